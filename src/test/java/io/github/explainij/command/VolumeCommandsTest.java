package io.github.explainij.command;

import static io.github.explainij.TestData.assertRelativeClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.IJ;
import ij.ImagePlus;

import io.github.explainij.TestData;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.scijava.module.Module;

/**
 * 3D models (sidecar axes bczyx) through the commands: the Z stack is the volume, and saliency, Integrated
 * Gradients, Grad-CAM (trilinear upsampling) and box-window occlusion equal PyTorch / Captum on the tiny
 * 3D test model (src/test/resources/fixtures/volume, made by src/test/python/make_volume_fixtures.py);
 * the result is a Z stack with the image's calibration. Methods without volume support are refused.
 */
class VolumeCommandsTest extends CommandTestContext {

	private static JsonObject fixture(final String name) throws IOException {
		return JsonParser.parseString(Files.readString(TestData.repo().resolve("src/test/resources/fixtures/volume/" + name + ".json")))
			.getAsJsonObject();
	}

	private static ImagePlus volume(final JsonObject f) {
		return IJ.openImage(TestData.repo().resolve(f.get("image").getAsString()).toString());
	}

	/** The command's output as one array, z-major (the fixtures' layout), after checking it is a calibrated Z stack. */
	private static float[] run(final String command, final JsonObject f, final Map<String, String> params) {
		final ImagePlus vol = volume(f);
		final Module m = runCommand(command, vol, TestData.repo().resolve(f.get("model").getAsString()), params);
		assertNull(ExplainCommands.cancelReason(m), command);
		final ImagePlus a = (ImagePlus) m.getOutput("attribution");
		assertEquals(vol.getNSlices(), a.getNSlices(), command + ": one slice per Z slice");
		assertEquals(1, a.getNChannels());
		assertEquals(vol.getCalibration().pixelDepth, a.getCalibration().pixelDepth, 1e-12);
		assertEquals("z=2", a.getStack().getSliceLabel(2));
		final int n = a.getWidth() * a.getHeight();
		final float[] out = new float[n * a.getStackSize()];
		for (int z = 0; z < a.getStackSize(); z++) System.arraycopy((float[]) a.getStack().getProcessor(z + 1).getPixels(), 0, out, z * n, n);
		return out;
	}

	@Test
	void saliencyAndIntegratedGradientsEqualPyTorch() throws IOException {
		final JsonObject s = fixture("saliency");
		assertRelativeClose(TestData.floats(s.getAsJsonArray("saliency")), run("saliency", s, Map.of("target", "1")), 1e-4, "3D saliency");
		assertRelativeClose(TestData.floats(s.getAsJsonArray("gradient")), run("saliency", s, Map.of("target", "1", "absolute", "false")),
			1e-4, "3D signed gradient");
		final JsonObject ig = fixture("ig");
		assertRelativeClose(TestData.floats(ig.getAsJsonArray("attribution")), run("integrated-gradients", ig,
			Map.of("target", "1", "steps", "16", "integration", "gausslegendre", "baseline", "zero")), 1e-4, "3D IG");
	}

	@Test
	void gradCamUpsamplesTrilinearly() throws IOException {
		final JsonObject g = fixture("gradcam");
		assertRelativeClose(TestData.floats(g.getAsJsonArray("attribution")), run("grad-cam", g, Map.of("target", "1", "layer", "relu2")),
			1e-4, "3D Grad-CAM");
		assertRelativeClose(TestData.floats(g.getAsJsonArray("other_attribution")), run("grad-cam", g, Map.of("target", "0", "layer", "relu2")),
			1e-4, "3D Grad-CAM, other class");
	}

	@Test
	void occlusionWithBoxWindowsEqualsCaptum() throws IOException {
		final JsonObject o = fixture("occlusion");
		assertRelativeClose(TestData.floats(o.getAsJsonArray("attribution")), run("occlusion", o, Map.of("target", "1", "window", "4",
			"stride", "2", "window_z", "2", "stride_z", "2", "fill", "zero")), 1e-4, "3D occlusion");
	}

	@Test
	void methodsWithoutVolumeSupportAreRefused() throws IOException {
		final JsonObject s = fixture("saliency");
		final Module m = runCommand("lrp", volume(s), TestData.repo().resolve(s.get("model").getAsString()), Map.of());
		assertTrue(ExplainCommands.cancelReason(m).contains("does not explain volumes yet"), ExplainCommands.cancelReason(m));
	}
}
