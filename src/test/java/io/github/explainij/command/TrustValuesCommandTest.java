package io.github.explainij.command;

import static io.github.explainij.TestData.assertRelativeClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import ij.ImagePlus;

import io.github.explainij.TestData;
import io.github.explainij.image.ImageFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;


import org.junit.jupiter.api.Test;
import org.scijava.module.Module;

/**
 * Values are what the user sees and nonsense is refused, through the SciJava commands (issue 8): a
 * signed 16-bit image is explained on its real values (fixtures/trust/signed16_gap.json, PyTorch), and
 * a model with NaN scores cancels the command with the stage where they appear, leaving the image as it was.
 */
class TrustValuesCommandTest extends CommandTestContext {

	private static final Path DIR = TestData.repo().resolve("src/test/resources/fixtures/trust");

	@Test
	void commandsExplainTheRealValuesOfASigned16BitImage() throws IOException {
		final JsonObject ref = JsonParser.parseString(Files.readString(DIR.resolve("signed16_gap.json"))).getAsJsonObject();
		final ImagePlus image = ImageFiles.open(DIR.resolve("signed16.tif").toFile(), "image");
		final Module gxi = runCommand("gradient-x-input", image, TestData.model("cells-gap"), Map.of("target", "1", "show_overlay", "false"));
		assertNull(ExplainCommands.cancelReason(gxi));
		assertRelativeClose(TestData.floats(ref.getAsJsonArray("gradient_x_input")),
			(float[]) ((ImagePlus) gxi.getOutput("attribution")).getProcessor().getPixels(), 1e-4, "gradient x input command");
		final Module saliency = runCommand("saliency", image, TestData.model("cells-gap"),
			Map.of("target", "1", "absolute", "false", "show_overlay", "false"));
		assertRelativeClose(TestData.floats(ref.getAsJsonArray("gradient")),
			(float[]) ((ImagePlus) saliency.getOutput("attribution")).getProcessor().getPixels(), 1e-4, "saliency command");
	}

	@Test
	void aModelWithNaNScoresCancelsTheCommandWithTheStage() {
		final float[] values = new float[32 * 32];
		for (int i = 0; i < values.length; i++) values[i] = i % 97;
		final ImagePlus image = new ImagePlus("ramp", new ij.process.FloatProcessor(32, 32, values.clone()));
		for (final String method : new String[] { "saliency", "lrp", "occlusion" }) {
			final Module m = runCommand(method, image, TestData.testModel("trust-nan"), Map.of("show_overlay", "false"));
			final String reason = ExplainCommands.cancelReason(m);
			assertTrue(reason != null && reason.contains("NaN or infinite") && reason.contains("stage 'sqrt3'"), method + ": " + reason);
			assertNull(m.getOutput("attribution"), method);
		}
		assertArrayEquals(values, (float[]) image.getProcessor().getPixels(), 0, "the image is untouched");
	}
}
