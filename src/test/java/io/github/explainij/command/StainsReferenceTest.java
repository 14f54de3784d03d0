package io.github.explainij.command;

import static io.github.explainij.TestData.assertRelativeClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import ij.IJ;
import ij.ImagePlus;
import ij.measure.ResultsTable;

import io.github.explainij.TestData;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.scijava.command.CommandModule;
import org.scijava.module.Module;

/**
 * "Which stain drove this decision" on the shipped 2-channel model (cells-2ch: DNA and marker) and its
 * sample data, against PyTorch (src/test/resources/fixtures/stains, made by make_stain_fixtures.py):
 * per-channel saliency and Integrated Gradients, each channel's attribution mass and share, and the
 * channel-ablation drops; and SmoothGrad over Integrated Gradients against NoiseTunnel(IntegratedGradients)
 * fed the same noise (fixtures/noisetunnel, make_noisetunnel_fixtures.py).
 */
class StainsReferenceTest extends CommandTestContext {

	private static JsonObject fixture(final String path) throws IOException {
		return JsonParser.parseString(Files.readString(TestData.repo().resolve("src/test/resources/fixtures/" + path))).getAsJsonObject();
	}

	private static Module run(final JsonObject f, final String command, final Map<String, String> params) {
		final ImagePlus imp = IJ.openImage(TestData.repo().resolve(f.get("image").getAsString()).toString());
		final Module m = runCommand(command, imp, TestData.repo().resolve(f.get("model").getAsString()), params);
		assertNull(ExplainCommands.cancelReason(m), command);
		return m;
	}

	private static float[] values(final Module m) {
		final ImagePlus a = (ImagePlus) m.getOutput("attribution");
		final int n = a.getWidth() * a.getHeight();
		final float[] out = new float[n * a.getStackSize()];
		for (int s = 0; s < a.getStackSize(); s++) System.arraycopy((float[]) a.getStack().getProcessor(s + 1).getPixels(), 0, out, s * n, n);
		return out;
	}

	private static ResultsTable table(final Module m) {
		return ((AttributionCommand) ((CommandModule) m).getCommand()).resultsTable();
	}

	private static void assertColumn(final float[] expected, final ResultsTable t, final String column, final String what) {
		final float[] actual = new float[t.size()];
		for (int i = 0; i < actual.length; i++) actual[i] = (float) t.getValue(column, i);
		assertRelativeClose(expected, actual, 1e-4, what);
	}

	@Test
	void perChannelSaliencyIntegratedGradientsAndAblationEqualPyTorch() throws IOException {
		for (final String name : new String[] { "stains_cytoplasmic_logit", "stains_nuclear_logit" }) {
			final JsonObject f = fixture("stains/" + name + ".json");
			final String target = f.get("target").getAsString();
			final Module saliency = run(f, "saliency", Map.of("target", target, "per_channel", "true", "absolute", "true"));
			if (f.has("saliency_per_channel")) {
				assertRelativeClose(TestData.floats(f.getAsJsonArray("saliency_per_channel")), values(saliency), 1e-4, name + " saliency");
			}
			final ResultsTable st = table(saliency);
			assertEquals("marker", st.getStringValue("name", 1));
			assertColumn(TestData.floats(f.getAsJsonArray("saliency_mass")), st, "sum_abs", name + " saliency mass");
			assertColumn(TestData.floats(f.getAsJsonArray("saliency_share")), st, "share_abs", name + " saliency share");

			final Module ig = run(f, "integrated-gradients", Map.of("target", target, "per_channel", "true", "steps",
				f.get("ig_steps").getAsString(), "integration", "gausslegendre", "baseline", "zero"));
			if (f.has("ig_per_channel")) {
				assertRelativeClose(TestData.floats(f.getAsJsonArray("ig_per_channel")), values(ig), 1e-4, name + " IG");
			}
			assertColumn(TestData.floats(f.getAsJsonArray("ig_mass")), table(ig), "sum_abs", name + " IG mass");
			assertColumn(TestData.floats(f.getAsJsonArray("ig_share")), table(ig), "share_abs", name + " IG share");

			final Module ablation = run(f, "channel-ablation", Map.of("target", target));
			assertColumn(TestData.floats(f.getAsJsonObject("ablation").getAsJsonArray("drops")), table(ablation), "mean",
				name + " ablation drops");
		}
	}

	@Test
	void smoothGradOverIntegratedGradientsIsNoiseTunnel() throws IOException {
		final JsonObject f = fixture("noisetunnel/nt_ig_gap_foci_logit.json");
		final Module m = run(f, "smoothgrad", Map.of("target", f.get("target").getAsString(), "samples", f.get("samples").getAsString(),
			"noise", f.get("noise").getAsString(), "seed", f.get("seed").getAsString(), "base", "integrated-gradients", "base_parameters",
			"steps=" + f.get("steps").getAsString() + " integration=gausslegendre baseline=zero"));
		assertRelativeClose(TestData.floats(f.getAsJsonArray("attribution")), values(m), 1e-4, "NoiseTunnel(IntegratedGradients)");
		assertEquals(f.get("noise_std").getAsDouble(), Double.parseDouble(((ImagePlus) m.getOutput("attribution")).getProp("noise_std")),
			1e-4 * f.get("noise_std").getAsDouble());
	}
}
