package io.github.explainij.target;

import static io.github.explainij.TestData.assertRelativeClose;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.explainij.TestData;
import io.github.explainij.image.ImagePlusAdapter;
import io.github.explainij.method.ExplainRequest;
import io.github.explainij.method.Progress;
import io.github.explainij.method.SaliencyMap;
import io.github.explainij.method.cam.GradCam;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.nio.file.Files;

import org.junit.jupiter.api.Test;

/**
 * Region targets on a small segmentation-like CNN (conv, ReLU, max-pool, conv, nearest upsampling;
 * src/test/resources/models/dense-cnn) against PyTorch autograd: the class scores of the region, the
 * saliency and Grad-CAM at two layers, for mean and sum, logit and probability
 * (src/test/resources/fixtures/region/dense_cnn.json, made by src/test/python/make_dense_models.py).
 */
class DenseReferenceTest {

	@Test
	void regionScoresSaliencyAndGradCamEqualPyTorch() throws IOException {
		final JsonObject f = JsonParser.parseString(Files.readString(TestData.repo().resolve(
			"src/test/resources/fixtures/region/dense_cnn.json"))).getAsJsonObject();
		final int w = f.get("width").getAsInt(), h = f.get("height").getAsInt();
		final float[] input = TestData.floats(f.getAsJsonArray("input"));
		final float[] mask = TestData.floats(f.getAsJsonArray("mask"));
		for (final JsonElement e : f.getAsJsonArray("cases")) {
			final JsonObject c = e.getAsJsonObject();
			final int k = c.get("class").getAsInt();
			final ScoreKind kind = ScoreKind.parse(c.get("score").getAsString());
			final Region.Reduce reduce = Region.Reduce.parse(c.get("region_score").getAsString());
			final String what = "class " + k + " " + kind.key() + " " + reduce.key();
			final ExplainRequest r = new ExplainRequest(TestData.network(TestData.repo().resolve(f.get("model").getAsString())),
				ImagePlusAdapter.fromPlanes(new float[][] { input }, w, h), TargetSpec.index(k), kind,
				Region.of(mask, new int[] { h, w }, reduce, "fixture region"), Progress.NONE);
			assertRelativeClose(TestData.floats(c.getAsJsonArray("class_scores")), r.classScores(), 1e-5, what + " class scores");
			assertEquals(k, r.targetClass());
			assertRelativeClose(TestData.floats(c.getAsJsonArray("saliency")),
				ImagePlusAdapter.toChw(new SaliencyMap(false, false).explain(r).map()), 1e-4, what + " saliency");
			for (final String layer : new String[] { "relu1", "conv2" }) {
				final JsonArray expected = c.getAsJsonArray("gradcam_" + layer);
				assertRelativeClose(TestData.floats(expected), ImagePlusAdapter.toChw(new GradCam(layer, true).explain(r).map()), 1e-4,
					what + " Grad-CAM " + layer);
			}
		}
	}
}
