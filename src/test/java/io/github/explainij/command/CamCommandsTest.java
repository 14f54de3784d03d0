package io.github.explainij.command;

import static io.github.explainij.TestData.assertRelativeClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import ij.process.ColorProcessor;

import io.github.explainij.TestData;
import io.github.explainij.image.ImagePlusAdapter;
import io.github.explainij.method.ExplainRequest;
import io.github.explainij.method.cam.GradCam;
import io.github.explainij.target.ScoreKind;
import io.github.explainij.target.TargetSpec;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.scijava.command.CommandService;
import org.scijava.module.Module;

/**
 * The five class activation map commands as Fiji runs them (SciJava CommandService): menu paths,
 * output geometry (image size; the optional layer map at the layer's grid), Info properties, signed
 * output without ReLU, and a clear refusal for a layer that does not exist.
 */
class CamCommandsTest extends CommandTestContext {

	private static void assertMenu(final String command, final String label) {
		assertEquals("Plugins > Explain-IJ > Attribution > " + label,
			ExplainCommands.byName(context.service(CommandService.class), command).getMenuPath().getMenuString());
	}

	@Test
	void gradCamWithLayerMapOnAFixedSizeModelAndAnotherImageSize() {
		assertMenu("grad-cam", "Grad-CAM");
		final ImagePlus image = TestData.openSample("cells", "apoptotic_001").resize(96, 80, "bilinear");
		image.getCalibration().pixelWidth = 0.5;
		image.getCalibration().pixelHeight = 0.5;
		final Module m = run("grad-cam", image, TestData.model("cells-bn"),
			Map.of("target", "apoptotic", "layer_resolution", "true", "show_overlay", "false"));
		assertNull(ExplainCommands.cancelReason(m));
		final ImagePlus out = (ImagePlus) m.getOutput("attribution");
		assertEquals(96, out.getWidth());
		assertEquals(80, out.getHeight());
		assertEquals(ImagePlus.GRAY32, out.getType());
		assertEquals("Grad-CAM of " + image.getTitle() + " (apoptotic)", out.getTitle());
		assertEquals("relu2", out.getProp("layer"));
		assertEquals("true", out.getProp("relu"));
		assertEquals("2", out.getProp("target_class"));
		assertTrue(out.getProp("layer_shape").startsWith("16x32x32"), out.getProp("layer_shape"));
		final ImagePlus layer = (ImagePlus) m.getOutput(Options.CAM_LAYER_MAP);
		assertNotNull(layer);
		assertEquals(32, layer.getWidth());
		assertEquals(32, layer.getHeight());
		assertEquals(0.5 * 96 / 32, layer.getCalibration().pixelWidth, 1e-12);
		assertEquals(0.5 * 80 / 32, layer.getCalibration().pixelHeight, 1e-12);
		assertTrue(layer.getTitle().startsWith("Grad-CAM at relu2 of"), layer.getTitle());
		// the values are the method's
		final ExplainRequest r = new ExplainRequest(TestData.network(TestData.model("cells-bn")), ImagePlusAdapter.currentPlanes(image),
			TargetSpec.index(2), ScoreKind.LOGIT);
		final GradCam g = new GradCam("", true);
		assertRelativeClose(g.imageMap(r), (float[]) out.getProcessor().getPixels(), 1e-6, "command output");
		assertRelativeClose(ImagePlusAdapter.toChw(g.compute(r).atLayer().map()), (float[]) layer.getProcessor().getPixels(), 1e-6,
			"layer map output");
	}

	@Test
	void camIsSignedByDefaultAndHasNoLayerMapUnlessAsked() {
		assertMenu("cam", "CAM");
		final ImagePlus image = TestData.openSample("cells", "foci_000");
		final Module m = run("cam", image, TestData.model("cells-gap"), Map.of("layer", "conv3"));
		final ImagePlus out = (ImagePlus) m.getOutput("attribution");
		assertEquals(64, out.getWidth());
		assertEquals("conv3", out.getProp("layer"));
		assertEquals("relu3", out.getProp("cam_features"));
		assertEquals("false", out.getProp("relu"));
		assertTrue(out.getProcessor().getMin() < 0, "CAM without ReLU is signed");
		assertNull(m.getOutput(Options.CAM_LAYER_MAP));
		assertEquals("CAM", image.getOverlay().get(0).getName());
	}

	@Test
	void gradCamPlusPlusOnRgb() {
		assertMenu("grad-cam-pp", "Grad-CAM++");
		final ColorProcessor cp = new ColorProcessor(20, 24);
		for (int i = 0; i < 20 * 24; i++) cp.set(i, (i * 37 % 256) << 16 | (i * 11 % 256) << 8 | i * 5 % 256);
		final Module m = run("grad-cam-pp", new ImagePlus("rgb", cp), TestData.testModel("tiny-rgb"),
			Map.of("layer_resolution", "true"));
		final ImagePlus out = (ImagePlus) m.getOutput("attribution");
		assertEquals(20, out.getWidth());
		assertEquals(24, out.getHeight());
		assertEquals("relu2", out.getProp("layer"));
		final ImagePlus layer = (ImagePlus) m.getOutput(Options.CAM_LAYER_MAP);
		assertEquals(10, layer.getWidth());
		assertEquals(12, layer.getHeight());
		assertTrue(out.getProcessor().getMin() >= 0);
	}

	@Test
	void scoreCamRecordsItsBatchSize() {
		assertMenu("score-cam", "Score-CAM");
		final Module m = run("score-cam", TestData.openSample("cells", "mitotic_002"), TestData.model("cells-gap"),
			Map.of("batch_size", "16", "score", "probability", "layer", "relu2"));
		final ImagePlus out = (ImagePlus) m.getOutput("attribution");
		assertEquals(64, out.getWidth());
		assertEquals("16", out.getProp("batch_size"));
		assertEquals("probability", out.getProp("score"));
		assertEquals("relu2", out.getProp("layer"));
	}

	@Test
	void layerCamRefusesAnUnknownLayerWithTheStages() {
		assertMenu("layer-cam", "Layer-CAM");
		final ImagePlus image = TestData.openSample("cells", "mitotic_002");
		final Module ok = run("layer-cam", image, TestData.model("cells-shortcut"), Map.of("layer", "relu1", "show_overlay", "false"));
		assertEquals("relu1", ((ImagePlus) ok.getOutput("attribution")).getProp("layer"));
		final Module m = run("layer-cam", image, TestData.model("cells-gap"), Map.of("layer", "conv7"));
		final String why = ExplainCommands.cancelReason(m);
		assertNotNull(why);
		assertTrue(why.contains("no stage 'conv7'") && why.contains("[conv1, relu1"), why);
		assertNull(m.getOutput("attribution"));
		assertNull(m.getOutput(Options.CAM_LAYER_MAP));
		assertNull(image.getOverlay());
	}
}
