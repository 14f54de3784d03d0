package io.github.explainij.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import io.github.explainij.TestData;
import io.github.explainij.ij1.MacroRunner;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * macros/Explain_Visualize_Example.ijm through plain ImageJ 1.x's macro interpreter: the class step and the
 * DeepDream it runs equal the PyTorch references (fixtures/inspect/optim/step_class, dream_2octaves), and the
 * channel's objective rises.
 */
class VisualizeMacroTest {

	@TempDir
	Path tmp;

	private static JsonObject fixture(final String name) throws Exception {
		return JsonParser.parseString(Files.readString(TestData.repo().resolve("src/test/resources/fixtures/inspect/optim/" + name + ".json")))
			.getAsJsonObject();
	}

	/** objective_start and objective_end of the line that begins with prefix. */
	private static double[] objectives(final String output, final String prefix) {
		final Matcher m = Pattern.compile(Pattern.quote(prefix) + "objective_start (\\S+), objective_end ([^,\\s]+)").matcher(output);
		assertTrue(m.find(), "no '" + prefix + "' in\n" + output);
		return new double[] { Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2)) };
	}

	@Test
	void exampleMacroMatchesThePyTorchReferences() throws Exception {
		final JsonObject step = fixture("step_class"), dream = fixture("dream_2octaves");
		final Path repo = TestData.repo();
		final String out = MacroRunner.run("Explain_Visualize_Example.ijm", String.format(Locale.ROOT, "image=[%s] model=[%s] step_size=%s",
			repo.resolve("src/test/resources/fixtures/inspect/optim/start.tif"), repo.resolve("models/cells-gap.pt"),
			step.get("step_size").getAsString()), tmp);
		final double[] classStep = objectives(out, "class 1: ");
		final double start = step.get("objective_start").getAsDouble(), end = step.get("objective_end").getAsDouble();
		assertEquals(start, classStep[0], 1e-4 * Math.abs(start));
		assertEquals(end, classStep[1], 1e-4 * Math.abs(end));
		final double[] channel = objectives(out, "relu3 channel 5: ");
		assertTrue(channel[1] > 3 * channel[0], channel[0] + " -> " + channel[1]);
		assertTrue(out.contains("image 48x48"), out);
		final double[] dreamed = objectives(out, "DeepDream relu2: ");
		assertEquals(dream.get("objective_start").getAsDouble(), dreamed[0], 1e-4 * dream.get("objective_start").getAsDouble());
		assertEquals(dream.get("objective_end").getAsDouble(), dreamed[1], 1e-4 * dream.get("objective_end").getAsDouble());
		assertTrue(out.contains("image 32x32, 32-bit"), out);
	}
}
