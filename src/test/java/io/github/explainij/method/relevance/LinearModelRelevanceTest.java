package io.github.explainij.method.relevance;

import static io.github.explainij.TestData.assertRelativeClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.explainij.TestData;
import io.github.explainij.image.ImagePlusAdapter;
import io.github.explainij.method.ExplainRequest;
import io.github.explainij.method.SaliencyMap;
import io.github.explainij.model.Network;
import io.github.explainij.target.ScoreKind;
import io.github.explainij.target.TargetSpec;

import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.type.numeric.real.FloatType;

import org.junit.jupiter.api.Test;

/**
 * Hand-computable cases on the linear model {@code z = W x + b} (linear-8x8, W[k, i] = ((7 i + 13 k) mod
 * 17 - 8) / 10, b[k] = k / 2), which has no ReLU: guided backpropagation, deconvnet and the gradient
 * are all W[k]; LRP-epsilon gives {@code x_i W[k, i] z_k / (z_k + eps sign z_k)}; DeepLIFT gives
 * {@code (x - baseline) W[k]}.
 */
class LinearModelRelevanceTest {

	private static final int K = 3, N = 64;

	private static float w(final int k, final int i) {
		return ((i * 7 + k * 13) % 17 - 8) / 10f;
	}

	private static ArrayImg<FloatType, FloatArray> image(final int size) {
		final float[] x = new float[size * size];
		for (int i = 0; i < x.length; i++) x[i] = (float) Math.sin(i * 0.37) * 2 + 0.3f;
		return ImagePlusAdapter.fromPlanes(new float[][] { x }, size, size);
	}

	private static Network net() {
		return TestData.network(TestData.testModel("linear-8x8"));
	}

	private static float[] map(final io.github.explainij.method.Attribution a) {
		return ImagePlusAdapter.toChw(a.map());
	}

	@Test
	void guidedBackpropAndDeconvnetAreTheWeightRow() {
		for (int k = 0; k < K; k++) {
			final float[] expected = new float[N];
			for (int i = 0; i < N; i++) expected[i] = w(k, i);
			final ExplainRequest r = new ExplainRequest(net(), image(8), TargetSpec.index(k), ScoreKind.LOGIT);
			assertRelativeClose(expected, map(new GuidedBackprop(false).explain(r)), 1e-6, "guided W[" + k + "]");
			assertRelativeClose(expected, map(new Deconvnet(false).explain(r)), 1e-6, "deconvnet W[" + k + "]");
			assertRelativeClose(expected, GuidedBackprop.guidedGradient(r), 1e-6, "guided gradient entry point");
		}
	}

	@Test
	void probabilityScoreGoesThroughTheSoftmax() {
		final ExplainRequest r = new ExplainRequest(net(), image(8), TargetSpec.index(2), ScoreKind.PROBABILITY);
		assertRelativeClose(map(new SaliencyMap(false, false).explain(r)), map(new GuidedBackprop(false).explain(r)), 1e-5,
			"guided = gradient of p without ReLUs");
		assertEquals(TargetSpec.softmax(r.logits())[2], new Deconvnet(false).explain(r).score(), 1e-6);
	}

	@Test
	void lrpEpsilonIsInputTimesWeightTimesStabilizedShare() {
		final double eps = 1e-2; // large enough that the stabilizer shows
		final ExplainRequest r = new ExplainRequest(net(), image(8), TargetSpec.index(1), ScoreKind.LOGIT);
		final float[] x = r.pixels();
		final float z = r.logits()[1];
		final float[] expected = new float[N];
		for (int i = 0; i < N; i++) expected[i] = (float) (x[i] * w(1, i) * z / (z + eps * Math.signum(z)));
		final io.github.explainij.method.Attribution a = new Lrp("epsilon", eps, 2, 1, false).explain(r);
		assertRelativeClose(expected, map(a), 1e-5, "LRP-epsilon");
		// the bias (0.5) keeps its share: the map sums to (z - b) z / (z + eps)
		assertEquals((z - 0.5) * z / (z + eps * Math.signum(z)), Double.parseDouble(a.results().get("relevance_sum")), 1e-4);
		// composite = epsilon on linear layers
		assertRelativeClose(expected, map(new Lrp("composite", eps, 2, 1, false).explain(r)), 1e-5, "LRP composite");
	}

	/** A 16x16 image on the 8x8 model: relevance of a model pixel is shared equally by its 2x2 block. */
	@Test
	void lrpRelevanceIsMappedBackThroughTheResize() {
		final ExplainRequest r = new ExplainRequest(net(), image(16), TargetSpec.index(0), ScoreKind.LOGIT);
		final float[] x = r.pixels();
		final float z = r.logits()[0];
		final float[] expected = new float[256];
		for (int y = 0; y < 8; y++) {
			for (int xx = 0; xx < 8; xx++) {
				final float mean = (x[2 * y * 16 + 2 * xx] + x[2 * y * 16 + 2 * xx + 1] + x[(2 * y + 1) * 16 + 2 * xx] +
					x[(2 * y + 1) * 16 + 2 * xx + 1]) / 4;
				final float rel = (float) (mean * w(0, y * 8 + xx) * z / (z + 1e-6 * Math.signum(z)));
				for (int dy = 0; dy < 2; dy++) for (int dx = 0; dx < 2; dx++) expected[(2 * y + dy) * 16 + 2 * xx + dx] = rel / 4;
			}
		}
		assertRelativeClose(expected, map(new Lrp("epsilon", 1e-6, 2, 1, false).explain(r)), 1e-5, "LRP through resize");
	}

	@Test
	void deepLiftIsDifferenceTimesWeight() {
		final ExplainRequest r = new ExplainRequest(net(), image(8), TargetSpec.index(2), ScoreKind.LOGIT);
		final float[] x = r.pixels();
		double mean = 0;
		for (final float v : x) mean += v;
		mean /= N;
		final float[] zero = new float[N], centred = new float[N];
		for (int i = 0; i < N; i++) {
			zero[i] = x[i] * w(2, i);
			centred[i] = (float) ((x[i] - (float) mean) * w(2, i));
		}
		final io.github.explainij.method.Attribution a = new DeepLift("zero", false).explain(r);
		assertRelativeClose(zero, map(a), 1e-6, "DeepLIFT zero baseline");
		assertTrue(Math.abs(Double.parseDouble(a.results().get("delta"))) < 1e-4, a.results().toString());
		assertEquals(0.5 * 2, Double.parseDouble(a.results().get("baseline_score")), 1e-6); // the bias
		assertRelativeClose(centred, map(new DeepLift("mean", false).explain(r)), 1e-5, "DeepLIFT mean baseline");
	}
}
