package io.github.explainij.method;

import static io.github.explainij.TestData.assertRelativeClose;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.explainij.TestData;
import io.github.explainij.image.ImagePlusAdapter;
import io.github.explainij.model.Network;
import io.github.explainij.target.ScoreKind;
import io.github.explainij.target.TargetSpec;

import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.type.numeric.real.FloatType;

import org.junit.jupiter.api.Test;

/**
 * Hand-computable cases on a linear model {@code logits = W x + b} (src/test/resources/models/linear-8x8,
 * W[k, i] = ((7 i + 13 k) mod 17 - 8) / 10, b[k] = k / 2): the saliency of class k is W[k], whatever
 * the image; the probability gradient is p_k (W_k - sum_j p_j W_j).
 */
class LinearModelSaliencyTest {

	private static final int K = 3, N = 64;

	private static float w(final int k, final int i) {
		return ((i * 7 + k * 13) % 17 - 8) / 10f;
	}

	private static ArrayImg<FloatType, FloatArray> image(final int size) {
		final float[] x = new float[size * size];
		for (int i = 0; i < x.length; i++) x[i] = (float) Math.sin(i * 0.37) * 2;
		return ImagePlusAdapter.fromPlanes(new float[][] { x }, size, size);
	}

	private static Network net() {
		return TestData.network(TestData.testModel("linear-8x8"));
	}

	@Test
	void logitsAreWxPlusB() {
		final ArrayImg<FloatType, FloatArray> img = image(8);
		final float[] x = ImagePlusAdapter.toChw(img);
		final float[] expected = new float[K];
		for (int k = 0; k < K; k++) {
			double z = 0.5 * k;
			for (int i = 0; i < N; i++) z += w(k, i) * x[i];
			expected[k] = (float) z;
		}
		assertRelativeClose(expected, new ExplainRequest(net(), img, TargetSpec.predicted(), ScoreKind.LOGIT).logits(), 1e-6, "logits");
	}

	@Test
	void signedSaliencyOfEachClassIsItsWeightRow() {
		for (int k = 0; k < K; k++) {
			final float[] expected = new float[N];
			final float[] abs = new float[N];
			for (int i = 0; i < N; i++) {
				expected[i] = w(k, i);
				abs[i] = Math.abs(w(k, i));
			}
			final ExplainRequest r = new ExplainRequest(net(), image(8), TargetSpec.index(k), ScoreKind.LOGIT);
			assertRelativeClose(expected, ImagePlusAdapter.toChw(new SaliencyMap(false, false).explain(r).map()), 1e-6, "W[" + k + "]");
			assertRelativeClose(abs, ImagePlusAdapter.toChw(new SaliencyMap(true, false).explain(r).map()), 1e-6, "|W[" + k + "]|");
		}
	}

	@Test
	void classNameTargetsTheNamedClass() {
		final ExplainRequest r = new ExplainRequest(net(), image(8), TargetSpec.parse("b"), ScoreKind.LOGIT);
		final Attribution a = new SaliencyMap(false, false).explain(r);
		assertEquals(1, a.targetClass());
		assertEquals("b", a.targetName());
	}

	@Test
	void probabilityGradientIsSoftmaxJacobianTimesWeights() {
		final ExplainRequest r = new ExplainRequest(net(), image(8), TargetSpec.index(2), ScoreKind.PROBABILITY);
		final float[] p = TargetSpec.softmax(r.logits());
		final float[] expected = new float[N];
		for (int i = 0; i < N; i++) {
			double mean = 0;
			for (int j = 0; j < K; j++) mean += p[j] * w(j, i);
			expected[i] = (float) (p[2] * (w(2, i) - mean));
		}
		final Attribution a = new SaliencyMap(false, false).explain(r);
		assertRelativeClose(expected, ImagePlusAdapter.toChw(a.map()), 1e-5, "dp/dx");
		assertEquals(p[2], a.score(), 1e-6);
	}

	/**
	 * A 16x16 image on the 8x8 model is halved by the bilinear resize: each model pixel is the mean of a
	 * 2x2 block, so each image pixel's gradient is W[k] at its block, divided by 4.
	 */
	@Test
	void resizedImageGetsGradientThroughTheResize() {
		final ExplainRequest r = new ExplainRequest(net(), image(16), TargetSpec.index(1), ScoreKind.LOGIT);
		final float[] expected = new float[256];
		for (int y = 0; y < 16; y++) {
			for (int x = 0; x < 16; x++) expected[y * 16 + x] = w(1, (y / 2) * 8 + x / 2) / 4;
		}
		final Attribution a = new SaliencyMap(false, false).explain(r);
		assertEquals(16, a.map().dimension(0));
		assertRelativeClose(expected, ImagePlusAdapter.toChw(a.map()), 1e-6, "gradient through resize");
	}
}
