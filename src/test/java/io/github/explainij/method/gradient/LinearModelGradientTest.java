package io.github.explainij.method.gradient;

import static io.github.explainij.TestData.assertRelativeClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.explainij.TestData;
import io.github.explainij.image.ImagePlusAdapter;
import io.github.explainij.method.Attribution;
import io.github.explainij.method.Baselines;
import io.github.explainij.method.ExplainRequest;
import io.github.explainij.method.gradient.SmoothGrad.Base;
import io.github.explainij.method.gradient.SmoothGrad.Variant;
import io.github.explainij.model.Network;
import io.github.explainij.target.ScoreKind;
import io.github.explainij.target.TargetSpec;

import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.type.numeric.real.FloatType;

import org.junit.jupiter.api.Test;

/**
 * Hand-computable cases on the linear test model {@code logits = W x + b} (linear-8x8,
 * W[k, i] = ((7 i + 13 k) mod 17 - 8) / 10): the gradient of class k is W[k] everywhere, so
 * gradient x input is x W[k]; Integrated Gradients is (x - baseline) W[k] times the sum of the
 * quadrature weights, with no completeness gap; every noisy copy has gradient W[k], so SmoothGrad is
 * W[k], SmoothGrad-squared W[k]^2 and VarGrad 0; every interior gradient is W[k].
 */
class LinearModelGradientTest {

	private static final int N = 64;

	private static float w(final int k, final int i) {
		return ((i * 7 + k * 13) % 17 - 8) / 10f;
	}

	private static float[] row(final int k) {
		final float[] r = new float[N];
		for (int i = 0; i < N; i++) r[i] = w(k, i);
		return r;
	}

	private static ArrayImg<FloatType, FloatArray> image() {
		final float[] x = new float[N];
		for (int i = 0; i < N; i++) x[i] = (float) (Math.sin(i * 0.37) * 2 + 0.5);
		return ImagePlusAdapter.fromPlanes(new float[][] { x }, 8, 8);
	}

	private static ExplainRequest request(final int k) {
		final Network net = TestData.network(TestData.testModel("linear-8x8"));
		return new ExplainRequest(net, image(), TargetSpec.index(k), ScoreKind.LOGIT);
	}

	private static float[] chw(final Attribution a) {
		return ImagePlusAdapter.toChw(a.map());
	}

	@Test
	void gradientXInputIsInputTimesWeights() {
		for (int k = 0; k < 3; k++) {
			final ExplainRequest r = request(k);
			final float[] expected = new float[N];
			for (int i = 0; i < N; i++) expected[i] = r.pixels()[i] * w(k, i);
			assertRelativeClose(expected, chw(new GradientXInput(false).explain(r)), 1e-6, "x W[" + k + "]");
		}
	}

	@Test
	void integratedGradientsIsInputMinusBaselineTimesWeightsWithoutGap() {
		final ExplainRequest r = request(2);
		final float[] x = r.pixels();
		for (final String baseline : new String[] { Baselines.ZERO, Baselines.MEAN, Baselines.BLUR }) {
			final float[] b = Baselines.of(baseline, x, 1, 8, 8, 1);
			final float[] expected = new float[N];
			for (int i = 0; i < N; i++) expected[i] = (x[i] - b[i]) * w(2, i);
			final Attribution a = new IntegratedGradients(7, Integration.GAUSS_LEGENDRE, baseline, 1, 0, false).explain(r);
			assertRelativeClose(expected, chw(a), 1e-5, "IG " + baseline);
			final double difference = Double.parseDouble(a.results().get("score_difference"));
			final double gap = Double.parseDouble(a.results().get("completeness_gap"));
			assertTrue(Math.abs(difference) > 0.1, "baseline " + baseline + " changes the score");
			assertTrue(Math.abs(gap) <= 1e-4 * Math.abs(difference), baseline + ": gap " + gap + " for difference " + difference);
		}
		// Captum's trapezoid weights sum to 1 - 1/n: the attribution is scaled by it, and the gap says so
		final Attribution trapezoid = new IntegratedGradients(10, Integration.RIEMANN_TRAPEZOID, Baselines.ZERO, 1, 0, false).explain(r);
		final float[] expected = new float[N];
		for (int i = 0; i < N; i++) expected[i] = 0.9f * x[i] * w(2, i);
		assertRelativeClose(expected, chw(trapezoid), 1e-5, "trapezoid");
		final double sum = Double.parseDouble(trapezoid.results().get("sum_of_attributions"));
		final double difference = Double.parseDouble(trapezoid.results().get("score_difference"));
		assertEquals(0.9 * difference, sum, 1e-4 * Math.abs(difference));
		assertEquals(-0.1 * difference, Double.parseDouble(trapezoid.results().get("completeness_gap")), 1e-4 * Math.abs(difference));
		// the baseline is zero: S(x) - S(0) = W x
		double wx = 0;
		for (int i = 0; i < N; i++) wx += w(2, i) * x[i];
		assertEquals(wx, difference, 1e-4 * Math.abs(wx));
	}

	@Test
	void smoothGradOfALinearModelIsTheWeightRowWhateverTheNoise() {
		final ExplainRequest r = request(1);
		final float[] wk = row(1), abs = new float[N], sq = new float[N];
		for (int i = 0; i < N; i++) {
			abs[i] = Math.abs(wk[i]);
			sq[i] = wk[i] * wk[i];
		}
		assertRelativeClose(wk, chw(new SmoothGrad(25, 0.5, Variant.SMOOTHGRAD, Base.SALIENCY, 3, false, 0, false).explain(r)), 1e-6,
			"smoothgrad");
		assertRelativeClose(abs, chw(new SmoothGrad(25, 0.5, Variant.SMOOTHGRAD, Base.SALIENCY, 3, true, 0, false).explain(r)), 1e-6,
			"smoothgrad abs");
		assertRelativeClose(sq, chw(new SmoothGrad(25, 0.5, Variant.SMOOTHGRAD_SQ, Base.SALIENCY, 3, false, 0, false).explain(r)), 1e-6,
			"smoothgrad_sq");
		final Attribution var = new SmoothGrad(25, 0.5, Variant.VARGRAD, Base.SALIENCY, 3, false, 0, false).explain(r);
		for (final float v : chw(var)) assertEquals(0, v, 1e-12, "vargrad");
		assertTrue(!var.signed());
	}

	/** With noise 0 every sample is the image: SmoothGrad of gradient x input is gradient x input. */
	@Test
	void smoothGradWithoutNoiseIsItsBase() {
		final ExplainRequest r = request(0);
		assertArrayEquals(chw(new GradientXInput(false).explain(r)),
			chw(new SmoothGrad(3, 0, Variant.SMOOTHGRAD, Base.GRADIENT_X_INPUT, 1, false, 0, false).explain(r)), 1e-6f);
	}

	@Test
	void interiorGradientsOfALinearModelAreTheWeightRowAtEveryAlpha() {
		final ExplainRequest r = request(0);
		final Attribution a = new InteriorGradients("0,0.5,1", false, 0).explain(r);
		assertArrayEquals(new long[] { 8, 8, 3 }, a.map().dimensionsAsLongArray());
		final float[] stack = chw(a);
		for (int s = 0; s < 3; s++) {
			assertRelativeClose(row(0), java.util.Arrays.copyOfRange(stack, s * N, (s + 1) * N), 1e-6, "slice " + s);
		}
		assertEquals(java.util.List.of("alpha 0", "alpha 0.5", "alpha 1"), a.sliceLabels());
		// the scores along the sweep: W (alpha x) + b
		double wx = 0;
		for (int i = 0; i < N; i++) wx += w(0, i) * r.pixels()[i];
		final String[] scores = a.results().get("scores_along_alphas").split(",");
		assertEquals(0, Double.parseDouble(scores[0]), 1e-5);
		assertEquals(0.5 * wx, Double.parseDouble(scores[1]), 1e-4 * Math.abs(wx));
		assertEquals(wx, Double.parseDouble(scores[2]), 1e-4 * Math.abs(wx));
	}
}
