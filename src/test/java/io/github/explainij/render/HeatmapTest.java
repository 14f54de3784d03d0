package io.github.explainij.render;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** The display bound is the 99.5th percentile of |value|, exactly as sorting would give it. */
class HeatmapTest {

	@Test
	void selectionEqualsSorting() {
		final Random random = new Random(3);
		for (final int n : new int[] { 1, 2, 3, 7, 200, 4096, 10_001 }) {
			for (int trial = 0; trial < 5; trial++) {
				final float[] v = new float[n];
				// ties and repeated values on purpose: quantized Gaussian values, some exact zeros
				for (int i = 0; i < n; i++) v[i] = trial == 0 ? 0 : Math.round(random.nextGaussian() * 8) / 4f;
				final float[] sorted = v.clone();
				Arrays.sort(sorted);
				for (int k = 0; k < n; k += Math.max(1, n / 17)) {
					assertEquals(sorted[k], Heatmap.kthSmallest(v.clone(), k), 0, "n=" + n + " k=" + k);
				}
			}
		}
	}

	@Test
	void displayBoundIsThe995thPercentileOfMagnitudes() {
		final float[] v = new float[1000];
		for (int i = 0; i < v.length; i++) v[i] = (i % 2 == 0 ? -1 : 1) * i; // |v| = 0..999
		// index floor(0.995 * 999) = 994 of the sorted magnitudes
		assertEquals(994, Heatmap.displayBound(v), 0);
		// an all-zero map falls back to 1, a map whose percentile is zero to its max
		assertEquals(1, Heatmap.displayBound(new float[10]), 0);
		final float[] spike = new float[1000];
		spike[7] = -5;
		assertEquals(5, Heatmap.displayBound(spike), 0);
	}
}
