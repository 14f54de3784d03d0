package io.github.explainij.ij1;

import static io.github.explainij.TestData.assertRelativeClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.IJ;
import ij.ImagePlus;

import io.github.explainij.TestData;
import io.github.explainij.image.ImagePlusAdapter;
import io.github.explainij.method.ExplainRequest;
import io.github.explainij.method.SaliencyMap;
import io.github.explainij.target.ScoreKind;
import io.github.explainij.target.TargetSpec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * macros/Explain_Folder_Saliency.ijm through plain ImageJ 1.x's macro interpreter: its
 * {@code run("Saliency Map", ...)} reaches the SciJava command through the plugins.config entry and
 * the ImageJ 1.x bridge. ImageJ 1.x needs a display, so the macro runs in a child JVM on the
 * machine's display or, where there is none, under {@code xvfb-run}. Without either the test is
 * skipped, except in CI (CI=true), where it fails.
 */
class MacroTest {

	@TempDir
	Path tmp;

	@Test
	void folderMacroExplainsEveryImage() throws Exception {
		final Path input = tmp.resolve("in"), output = tmp.resolve("out");
		Files.createDirectories(input);
		final String[] names = { "foci_002", "interphase_003", "apoptotic_004" };
		for (final String n : names) Files.copy(TestData.sample("cells", n), input.resolve(n + ".tif"));
		final Path model = TestData.model("cells-gap");

		final String printed = MacroRunner.run("Explain_Folder_Saliency.ijm",
			"input=[" + input + "] model=[" + model + "] output=[" + output + "] target=predicted score=logit", tmp);
		assertTrue(printed.contains("explained 3 images"), printed);

		for (final String n : names) {
			final ImagePlus map = IJ.openImage(output.resolve(n + "_saliency.tif").toString());
			final ExplainRequest r = new ExplainRequest(TestData.network(model),
				ImagePlusAdapter.currentPlanes(IJ.openImage(input.resolve(n + ".tif").toString())), TargetSpec.predicted(), ScoreKind.LOGIT);
			assertRelativeClose(ImagePlusAdapter.toChw(new SaliencyMap(true, false).explain(r).map()), (float[]) map.getProcessor().getPixels(),
				1e-6, n + " saliency via macro");
			final ImagePlus png = IJ.openImage(output.resolve(n + "_overlay.png").toString());
			assertEquals(ImagePlus.COLOR_RGB, png.getType());
		}
		final List<String> table = Files.readAllLines(output.resolve("saliency_summary.csv"));
		assertEquals(4, table.size(), String.join("\n", table));
		// one row per image, with the predicted and the explained class (predicted by default)
		assertTrue(table.stream().anyMatch(r -> r.contains("foci_002.tif,foci,foci,")), String.join("\n", table));
	}

}
