package io.github.explainij.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import ij.ImagePlus;
import ij.measure.ResultsTable;

import io.github.explainij.TestData;
import io.github.explainij.model.Network;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * The model-level evaluations as commands: unit ablation against PyTorch, the sanity check's known answers
 * (saliency decorrelates, guided backpropagation much less; a model whose output ignores the image fails
 * for every method), ROAR on a tiny configuration; the model file is never changed.
 */
class ModelChecksCommandsTest extends CommandTestContext {

	private static AnalysisResults analyse(final String name, final ImagePlus image, final Path model, final Map<String, String> params) {
		return results(runCommand(name, image, model, params));
	}

	private static String refusal(final String name, final ImagePlus image, final Path model, final Map<String, String> params) {
		return ExplainCommands.cancelReason(runCommand(name, image, model, params));
	}

	private static JsonObject fixture(final String name) throws IOException {
		return JsonParser.parseString(Files.readString(TestData.repo().resolve("src/test/resources/fixtures/evaluate/model/" + name),
			StandardCharsets.UTF_8)).getAsJsonObject();
	}

	@Test
	void ablationEqualsPyTorch() throws IOException {
		final JsonObject fx = fixture("ablation.json");
		final Path model = TestData.model("cells-gap");
		final AnalysisResults r = analyse("ablation", null, model, Map.of("input_dir", TestData.repo().resolve("sample-data/cells").toString(),
			"layer", "relu2", "channel", "-1"));
		final ResultsTable t = r.table();
		final JsonArray rows = fx.getAsJsonArray("rows");
		assertEquals(rows.size(), t.size());
		assertEquals(33, t.size());
		final List<String> classes = List.of("interphase", "mitotic", "apoptotic", "foci");
		final double intact = rows.get(0).getAsJsonObject().get("accuracy").getAsDouble();
		for (int i = 0; i < rows.size(); i++) {
			final JsonObject row = rows.get(i).getAsJsonObject();
			final int channel = row.get("channel").getAsInt();
			assertEquals(channel < 0 ? "none" : String.valueOf(channel), t.getStringValue("channel", i));
			assertEquals(row.get("accuracy").getAsDouble(), t.getValue("accuracy", i), 1e-9, "accuracy, channel " + channel);
			assertEquals(row.get("accuracy").getAsDouble() - intact, t.getValue("accuracy_change", i), 1e-9);
			for (int k = 0; k < classes.size(); k++) {
				final double expected = row.getAsJsonArray("class_scores").get(k).getAsDouble();
				assertEquals(expected, t.getValue("score_" + classes.get(k), i), 1e-4 * Math.max(1, Math.abs(expected)),
					"mean " + classes.get(k) + " score, channel " + channel);
			}
		}
		assertEquals(String.valueOf(intact), r.properties().get("accuracy"));
		// one channel only: the intact row and that channel's row
		final AnalysisResults one = analyse("ablation", null, model, Map.of("input_dir", TestData.repo().resolve("sample-data/cells").toString(),
			"layer", "relu2", "channel", "5"));
		assertEquals(2, one.table().size());
		assertEquals(rows.get(6).getAsJsonObject().get("accuracy").getAsDouble(), one.table().getValue("accuracy", 1), 1e-9);
		assertEquals("the stage 'relu2' has 32 channels (0..31); channel 32 does not exist (use -1 for each channel in turn)",
			refusal("ablation", null, model, Map.of("input_dir", TestData.repo().resolve("sample-data/cells").toString(), "layer", "relu2",
				"channel", "32")));
	}

	@Test
	void saliencyDecorrelatesMoreThanGuidedBackpropagation() {
		final Path model = TestData.model("cells-gap");
		final String before = Network.sha256(model);
		final ImagePlus image = TestData.openSample("cells", "mitotic_000");
		final Map<String, Double> last = new LinkedHashMap<>();
		final Map<String, double[]> steps = new LinkedHashMap<>();
		for (final String method : List.of("saliency", "guided-backprop")) {
			final AnalysisResults r = analyse("sanity-check", image, model, Map.of("method", method, "seed", "3"));
			final ResultsTable t = r.table();
			assertEquals(4, t.size(), "cells-gap has 4 stages with weights: fc, conv3, conv2, conv1");
			assertEquals("fc", t.getStringValue("randomized", 0));
			assertEquals("fc conv3 conv2 conv1", t.getStringValue("randomized", 3));
			assertEquals(5, r.main().getStackSize(), "the trained model's map and one per step");
			assertEquals("mitotic", r.properties().get("target"));
			for (int i = 0; i < 4; i++) steps.put(method + " " + i, new double[] { t.getValue("spearman_abs", i), t.getValue("ssim_abs", i) });
			last.put(method, t.getValue("spearman_abs", 3));
			last.put(method + " ssim", t.getValue("ssim_abs", 3));
			last.put(method + " passes", Boolean.parseBoolean(r.properties().get("passes")) ? 1.0 : 0.0);
		}
		// measured: Spearman (absolute) after fc, conv3, conv2, conv1: saliency 0.615 0.364 0.184 0.086, guided backpropagation
		// 0.838 0.570 0.378 0.174; SSIM (absolute) with every stage randomized: 0.411 and 0.698
		assertEquals(0.086, last.get("saliency"), 0.01);
		assertEquals(0.174, last.get("guided-backprop"), 0.01);
		assertEquals(0.411, last.get("saliency ssim"), 0.01);
		assertEquals(0.698, last.get("guided-backprop ssim"), 0.01);
		for (int i = 0; i < 4; i++) {
			assertTrue(steps.get("guided-backprop " + i)[0] > steps.get("saliency " + i)[0] + 0.08, "Spearman at step " + (i + 1));
			assertTrue(steps.get("guided-backprop " + i)[1] > steps.get("saliency " + i)[1] + 0.2, "SSIM at step " + (i + 1));
		}
		assertEquals(1.0, last.get("saliency passes"), "saliency passes");
		assertEquals(0.0, last.get("guided-backprop passes"), "guided backpropagation fails: its map stays similar (SSIM)");
		assertEquals(before, Network.sha256(model), "the model file is unchanged");
		// the same seed gives the same numbers
		final ResultsTable again = analyse("sanity-check", image, model, Map.of("method", "saliency", "seed", "3")).table();
		assertEquals(last.get("saliency"), again.getValue("spearman_abs", 3), 0);
	}

	@Test
	void aModelThatIgnoresTheImageFailsForEveryMethod() {
		final Path model = TestData.testModel("constant-output");
		final ImagePlus image = TestData.openSample("cells", "mitotic_000");
		for (final String method : List.of("saliency", "gradient-x-input", "integrated-gradients", "smoothgrad", "grad-cam", "occlusion")) {
			final AnalysisResults r = analyse("sanity-check", image, model, Map.of("method", method));
			assertEquals("false", r.properties().get("passes"), method);
			assertTrue(r.properties().get("verdict").startsWith("fails: "), method + ": " + r.properties().get("verdict"));
		}
	}

	@Test
	void roarOnATinyConfiguration() {
		final Path model = TestData.model("cells-gap");
		final String before = Network.sha256(model);
		final Map<String, String> params = Map.of("input_dir", TestData.repo().resolve("sample-data/cells").toString(), "methods", "saliency",
			"fractions", "0.5", "epochs", "1", "seed", "2");
		final AnalysisResults r = analyse("roar", null, model, params);
		final ResultsTable t = r.table();
		assertEquals(3, t.size(), "unmodified, saliency at 0.5, random at 0.5");
		assertEquals("none", t.getStringValue("method", 0));
		assertEquals("saliency", t.getStringValue("method", 1));
		assertEquals("random", t.getStringValue("method", 2));
		assertEquals(0.5, t.getValue("fraction", 1), 0);
		assertEquals("12", r.properties().get("test_images"));
		for (int i = 0; i < 3; i++) {
			final double a = t.getValue("accuracy", i);
			assertEquals(Math.round(a * 12) / 12.0, a, 1e-12, "an accuracy over 12 test images");
		}
		final ResultsTable again = analyse("roar", null, model, params).table();
		for (int i = 0; i < 3; i++) assertEquals(t.getValue("accuracy", i), again.getValue("accuracy", i), 0, "the same seed, the same numbers");
		assertEquals(before, Network.sha256(model), "the model file is unchanged");
		assertNotNull(r.plots().get("accuracy"));
		assertEquals("fractions must lie between 0 and 1 (exclusive), not 1.5", refusal("roar", null, model,
			Map.of("input_dir", TestData.repo().resolve("sample-data/cells").toString(), "fractions", "1.5")));
	}
}
