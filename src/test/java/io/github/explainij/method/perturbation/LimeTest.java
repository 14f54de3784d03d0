package io.github.explainij.method.perturbation;

import static io.github.explainij.TestData.assertRelativeClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.explainij.ExplainException;
import io.github.explainij.TestData;
import io.github.explainij.image.ImagePlusAdapter;
import io.github.explainij.method.ExplainRequest;
import io.github.explainij.target.ScoreKind;
import io.github.explainij.target.TargetSpec;

import org.junit.jupiter.api.Test;

/**
 * LIME on a model whose score is a sum over regions: src/test/resources/models/regions-4x4.pt
 * (make_perturbation_fixtures.py) computes logit_k = sum_r W[k, r] * mean(region r) over the 16 8x8
 * blocks of a 32x32 image. On an image that is constant on each block, SLIC recovers the blocks, and
 * with a zero fill the score is exactly linear in LIME's bits: score(z) = sum_r W[k, r] v_r z_r. So the
 * regression must recover W[k, r] * v_r.
 */
class LimeTest {

	/** make_perturbation_fixtures.py's region_weights(). */
	static double regionWeight(final int k, final int r) {
		return ((r * 5 + k * 3) % 11 - 5) / 4.0;
	}

	private static float[] blockValues() {
		final float[] v = new float[16];
		for (int i = 0; i < 16; i++) v[i] = 10 + (i * 5 % 16) * 3;
		return v;
	}

	private static ExplainRequest request(final int target) {
		final float[] img = SlicTest.blocks(32, 32, 8, 8, 1, blockValues());
		return new ExplainRequest(TestData.network(TestData.testModel("regions-4x4")), ImagePlusAdapter.fromPlanes(new float[][] { img }, 32, 32),
			TargetSpec.index(target), ScoreKind.LOGIT);
	}

	private static Lime lime(final int samples, final double alpha) {
		return new Lime(new Slic(16, 10), samples, 0.25, 5, 42, Fill.parse("zero", 0, true), 0, alpha);
	}

	@Test
	void regressionRecoversTheRegionWeights() {
		for (final int target : new int[] { 0, 1 }) {
			final ExplainRequest r = request(target);
			// near-zero penalty: the fit is exact
			final Lime.Result exact = lime(300, 1e-9).explainWithSegments(r);
			final int[] seg = exact.segments();
			assertEquals(16, Slic.count(seg));
			final float[] v = blockValues();
			final float[] expected = new float[16], got = new float[16];
			for (int i = 0; i < 32 * 32; i++) {
				final int block = (i / 32 / 8) * 4 + (i % 32) / 8;
				expected[seg[i]] = (float) (regionWeight(target, block) * v[block]);
			}
			final double[] beta = exact.weights();
			for (int s = 0; s < 16; s++) got[s] = (float) beta[s];
			assertRelativeClose(expected, got, 1e-4, "target " + target + " exact weights");
			assertEquals("1.0000", exact.attribution().results().get("fit_r2"));
			// the map holds each pixel's superpixel weight
			final float[] map = ImagePlusAdapter.toChw(exact.attribution().map());
			for (int i = 0; i < map.length; i++) assertEquals(beta[seg[i]], map[i], 1e-5);
			// lime's alpha = 1 with lime's 1000 samples shrinks them only a little
			final double[] ridge = lime(1000, Lime.ALPHA).explainWithSegments(r).weights();
			for (int s = 0; s < 16; s++) got[s] = (float) ridge[s];
			assertRelativeClose(expected, got, 0.03, "target " + target + " ridge weights");
			// the top superpixels are the largest positive weights
			final int[] top = exact.top();
			assertEquals(5, top.length);
			for (int i = 1; i < top.length; i++) assertTrue(beta[top[i - 1]] >= beta[top[i]]);
			int positives = 0;
			for (final double b : beta) if (b > 0) positives++;
			assertTrue(positives >= 5);
			final double fifth = beta[top[4]];
			for (int s = 0; s < 16; s++) {
				final int ss = s;
				if (java.util.Arrays.stream(top).noneMatch(t -> t == ss)) assertTrue(beta[s] <= fifth);
			}
		}
	}

	@Test
	void sameNumbersForEveryBatchSize() {
		final ExplainRequest r = request(1);
		final Lime.Result auto = new Lime(new Slic(16, 10), 60, 0.25, 5, 3, Fill.parse("segment_mean", 0, true), 0).explainWithSegments(r);
		for (final int batch : new int[] { 1, 5 }) {
			final Lime.Result b = new Lime(new Slic(16, 10), 60, 0.25, 5, 3, Fill.parse("segment_mean", 0, true), batch).explainWithSegments(r);
			assertArrayEquals(auto.weights(), b.weights(), 1e-9 + 1e-5 * max(auto.weights()));
		}
	}

	private static double max(final double[] v) {
		double m = 0;
		for (final double x : v) m = Math.max(m, Math.abs(x));
		return m;
	}

	/** Hand-computable ridge: one feature, unit weights: beta = Sxy / (Sxx + alpha) on centred data. */
	@Test
	void ridgeByHand() {
		final float[] x = { 0, 1, 1, 0, 1 };
		final double[] y = { 1, 3, 2.5, 0.5, 4 };
		final double[] w = { 1, 1, 1, 1, 1 };
		final double mx = 0.6, my = 2.2;
		double sxy = 0, sxx = 0;
		for (int i = 0; i < 5; i++) {
			sxy += (x[i] - mx) * (y[i] - my);
			sxx += (x[i] - mx) * (x[i] - mx);
		}
		final WeightedRidge fit = WeightedRidge.fit(x, 1, y, w, 1.0);
		assertEquals(sxy / (sxx + 1), fit.coefficients()[0], 1e-12);
		assertEquals(my - mx * sxy / (sxx + 1), fit.intercept(), 1e-12);
		// weights: doubling a sample's weight equals repeating it
		final WeightedRidge weighted = WeightedRidge.fit(x, 1, y, new double[] { 2, 1, 1, 1, 1 }, 1.0);
		final WeightedRidge repeated = WeightedRidge.fit(new float[] { 0, 0, 1, 1, 0, 1 }, 1, new double[] { 1, 1, 3, 2.5, 0.5, 4 },
			new double[] { 1, 1, 1, 1, 1, 1 }, 1.0);
		assertEquals(repeated.coefficients()[0], weighted.coefficients()[0], 1e-12);
	}

	/** lime's kernel and cosine distance: all ones is distance 0, weight 1; k of f ones gives 1 - sqrt(k / f). */
	@Test
	void kernelAsLime() {
		assertEquals(0, Lime.cosineDistanceToOnes(new float[] { 1, 1, 1, 1 }, 0, 4), 1e-12);
		assertEquals(0.5, Lime.cosineDistanceToOnes(new float[] { 1, 0, 0, 0 }, 0, 4), 1e-12);
		assertEquals(1, Lime.cosineDistanceToOnes(new float[] { 0, 0, 0, 0 }, 0, 4), 1e-12);
		assertEquals(Math.sqrt(Math.exp(-0.25 / 0.0625)), Lime.kernel(0.5, 0.25), 1e-12);
	}

	@Test
	void badParameters() {
		final Fill f = Fill.parse("segment_mean", 0, true);
		assertTrue(assertThrows(ExplainException.class, () -> new Lime(new Slic(10, 10), 1, 0.25, 5, 0, f, 0)).getMessage().contains("samples must be at least 2"));
		assertTrue(assertThrows(ExplainException.class, () -> new Lime(new Slic(10, 10), 10, 0, 5, 0, f, 0)).getMessage().contains("kernel_width must be positive"));
		assertTrue(assertThrows(ExplainException.class, () -> new Lime(new Slic(10, 10), 10, 0.25, -1, 0, f, 0)).getMessage().contains("features"));
		assertTrue(assertThrows(ExplainException.class, () -> Fill.parse("segment_mean", 0, false)).getMessage().contains("fill must be zero, mean, blur or value"));
	}
}
