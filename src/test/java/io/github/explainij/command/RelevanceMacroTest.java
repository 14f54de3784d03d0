package io.github.explainij.command;

import static io.github.explainij.TestData.assertRelativeClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.IJ;
import ij.ImagePlus;

import io.github.explainij.TestData;
import io.github.explainij.ij1.MacroRunner;
import io.github.explainij.image.ImagePlusAdapter;
import io.github.explainij.method.ExplainRequest;
import io.github.explainij.method.relevance.Lrp;
import io.github.explainij.target.ScoreKind;
import io.github.explainij.target.TargetSpec;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * macros/Explain_Relevance_Example.ijm through plain ImageJ 1.x's macro interpreter (a child JVM, under
 * xvfb-run where there is no display, as MacroTest): the four relevance commands are reached through
 * their plugins.config entries with their macro keys.
 */
class RelevanceMacroTest {

	@TempDir
	Path tmp;

	@Test
	void exampleMacroRunsTheFourCommands() throws Exception {
		final Path image = TestData.sample("cells", "foci_002"), model = TestData.model("cells-gap");
		final String printed = MacroRunner.run("Explain_Relevance_Example.ijm", "image=[" + image + "] model=[" + model + "] output=[" + tmp + "]", tmp);
		assertTrue(printed.contains("Explain-IJ: relevance maps of foci_002"), printed);
		for (final String suffix : new String[] { "guided", "deconvnet", "lrp", "deeplift" }) {
			final ImagePlus map = IJ.openImage(tmp.resolve("foci_002_" + suffix + ".tif").toString());
			assertEquals(ImagePlus.GRAY32, map.getType(), suffix);
			assertEquals(64, map.getWidth(), suffix);
		}
		final ImagePlus lrp = IJ.openImage(tmp.resolve("foci_002_lrp.tif").toString());
		final ExplainRequest r = new ExplainRequest(TestData.network(model), ImagePlusAdapter.currentPlanes(IJ.openImage(image.toString())),
			TargetSpec.predicted(), ScoreKind.LOGIT);
		assertRelativeClose(ImagePlusAdapter.toChw(new Lrp("composite", 1e-6, 2, 1, false).explain(r).map()),
			(float[]) lrp.getProcessor().getPixels(), 1e-6, "LRP via macro");
		assertTrue(((String) lrp.getProperty("Info")).contains("rule: composite"));
	}

}
