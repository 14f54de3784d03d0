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
import io.github.explainij.method.gradient.GradientXInput;
import io.github.explainij.target.ScoreKind;
import io.github.explainij.target.TargetSpec;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** macros/Explain_Gradients_Example.ijm through plain ImageJ 1.x's macro interpreter. */
class GradientMacroTest {

	@TempDir
	Path tmp;

	@Test
	void exampleMacroRunsTheFourCommands() throws Exception {
		final Path image = TestData.sample("cells", "apoptotic_003"), model = TestData.model("cells-gap");
		final String printed = MacroRunner.run("Explain_Gradients_Example.ijm", "image=[" + image + "] model=[" + model + "] output=[" + tmp + "]", tmp);
		assertTrue(printed.contains("Integrated Gradients: sum of attributions"), printed);
		assertTrue(printed.contains("Interior Gradients: 10 slices"), printed);
		final ImagePlus gxi = IJ.openImage(tmp.resolve("gradient-x-input.tif").toString());
		final ExplainRequest r = new ExplainRequest(TestData.network(model), ImagePlusAdapter.currentPlanes(IJ.openImage(image.toString())),
			TargetSpec.predicted(), ScoreKind.LOGIT);
		assertRelativeClose(ImagePlusAdapter.toChw(new GradientXInput(false).explain(r).map()), (float[]) gxi.getProcessor().getPixels(), 1e-6,
			"gradient x input via macro");
		assertEquals(10, IJ.openImage(tmp.resolve("interior-gradients.tif").toString()).getStackSize());
	}
}
