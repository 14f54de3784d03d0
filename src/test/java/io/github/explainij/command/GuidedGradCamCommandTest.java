package io.github.explainij.command;

import static io.github.explainij.TestData.assertRelativeClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;

import io.github.explainij.TestData;
import io.github.explainij.image.ImagePlusAdapter;
import io.github.explainij.method.ExplainRequest;
import io.github.explainij.method.cam.GuidedGradCam;
import io.github.explainij.target.ScoreKind;
import io.github.explainij.target.TargetSpec;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.scijava.module.Module;

class GuidedGradCamCommandTest extends CommandTestContext {

	@Test
	void commandOutputsTheMethodsMap() {
		final ImagePlus image = TestData.openSample("cells", "mitotic_000");
		final Module m = runCommand("guided-grad-cam", image, TestData.model("cells-gap"), Map.of("layer", "relu2", "upsample", "nearest"));
		assertNull(ExplainCommands.cancelReason(m));
		final ImagePlus out = (ImagePlus) m.getOutput("attribution");
		assertEquals("Guided Grad-CAM of mitotic_000.tif (mitotic)", out.getTitle());
		assertEquals("relu2", out.getProp("layer"));
		assertEquals("nearest", out.getProp("upsample"));
		final ExplainRequest r = new ExplainRequest(TestData.network(TestData.model("cells-gap")), ImagePlusAdapter.currentPlanes(image),
			TargetSpec.predicted(), ScoreKind.LOGIT);
		assertRelativeClose(ImagePlusAdapter.toChw(new GuidedGradCam("relu2", "nearest", false).explain(r).map()),
			(float[]) out.getProcessor().getPixels(), 1e-6, "command output");
		assertEquals("Guided Grad-CAM", image.getOverlay().get(0).getName());
	}

	@Test
	void modelWithoutStagesIsRefused() {
		final ImagePlus image = new ImagePlus("x", new ij.process.FloatProcessor(8, 8));
		final Module m = runCommand("guided-grad-cam", image, TestData.testModel("plain-linear"), Map.of());
		final String why = ExplainCommands.cancelReason(m);
		assertNotNull(why);
		assertTrue(why.contains("stages"), why);
	}
}
