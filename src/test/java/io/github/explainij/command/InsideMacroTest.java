package io.github.explainij.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.IJ;
import ij.ImagePlus;

import io.github.explainij.TestData;
import io.github.explainij.ij1.MacroRunner;
import io.github.explainij.image.ImagePlusAdapter;
import io.github.explainij.inspect.FeatureMaps;
import io.github.explainij.inspect.Filters;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * macros/Explain_Inside_Example.ijm through plain ImageJ 1.x's macro interpreter: feature maps, filters,
 * receptive field and the deconvnet projection of a unit, each reached through its plugins.config label;
 * what the macro reads equals the numerics (feature maps, weights), the hand-computed receptive field and
 * Captum's NeuronDeconvolution (fixtures/inspect/single/deconvnet_unit_gap_relu2).
 */
class InsideMacroTest {

	@TempDir
	Path tmp;

	private static double printed(final String output, final String prefix) {
		final Matcher m = Pattern.compile(Pattern.quote(prefix) + "(-?[0-9.E-]+)").matcher(output);
		assertTrue(m.find(), "no '" + prefix + "' in\n" + output);
		return Double.parseDouble(m.group(1));
	}

	@Test
	void exampleMacroRunsTheFourCommands() throws Exception {
		final Path fixtures = TestData.repo().resolve("src/test/resources/fixtures/inspect/single");
		final JsonObject unit = JsonParser.parseString(Files.readString(fixtures.resolve("deconvnet_unit_gap_relu2.json"))).getAsJsonObject();
		final Path image = TestData.repo().resolve(unit.get("image").getAsString());
		final Path model = TestData.model("cells-gap");
		final String printed = MacroRunner.run("Explain_Inside_Example.ijm", "image=[" + image + "] model=[" + model + "]", tmp);

		assertTrue(printed.contains("feature maps: 32 slices of 32x32; slice 8 is relu2 channel 7"), printed);
		final FeatureMaps maps = FeatureMaps.of(TestData.network(model), ImagePlusAdapter.planes(ImagePlusAdapter.currentPlanes(
			IJ.openImage(image.toString()))), 64, 64, "relu2");
		assertEquals(maps.mean(7), printed(printed, "relu2 channel 7 mean: "), 1e-6);
		assertEquals(maps.fractionZero(7), printed(printed, "fraction zero: "), 1e-6);

		assertTrue(printed.contains("filters: 16 kernels of 3x3; slice 4 is conv1 out 3 in 0"), printed);
		assertEquals(Filters.of(TestData.network(model), "conv1").l2(3), printed(printed, "conv1 out 3 l2 norm: "), 1e-6);

		// pool2 (jump 4, size 10, offset 3) at (5, 3): columns 17 .. 26, rows 9 .. 18
		assertTrue(printed.contains("receptive field: 17,9 10x10 (analytic)"), printed);

		assertEquals(unit.get("activation").getAsDouble(), printed(printed, "unit activation: "), 1e-4);
		final ImagePlus captum = IJ.openImage(fixtures.resolve("deconvnet_unit_gap_relu2.tif").toString());
		final double expected = captum.getProcessor().getf(22, 28);
		assertTrue(expected != 0);
		assertEquals(expected, printed(printed, "pixel (22, 28): "), 1e-4 * Math.abs(expected));
	}
}
