package io.github.explainij.method;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.explainij.ExplainException;

import org.junit.jupiter.api.Test;

/** Baselines, batching and cancellation, on hand-computable cases. */
class SharedHelpersTest {

	@Test
	void baselines() {
		final float[] img = { 1, 2, 3, 4, 10, 10, 10, 30 }; // 2 channels of 2x2
		assertArrayEquals(new float[8], Baselines.of("zero", img, 2, 2, 2, 0));
		assertArrayEquals(new float[] { 2.5f, 2.5f, 2.5f, 2.5f, 15, 15, 15, 15 }, Baselines.of("mean", img, 2, 2, 2, 0));
		// blurring a constant leaves it constant; blurring keeps each channel's sum away from borders
		final float[] constant = new float[5 * 4];
		java.util.Arrays.fill(constant, 7);
		for (final float v : Baselines.blur(constant, 1, 5, 4, 2)) assertEquals(7, v, 1e-5);
		final float[] impulse = new float[41 * 41];
		impulse[20 * 41 + 20] = 1;
		final float[] blurred = Baselines.blur(impulse, 1, 41, 41, 2);
		double sum = 0;
		for (final float v : blurred) sum += v;
		assertEquals(1, sum, 1e-5);
		// a Gaussian: ratio of neighbours exp(-1/(2 sigma^2)) along an axis
		assertEquals(Math.exp(-1 / 8.0), blurred[20 * 41 + 21] / blurred[20 * 41 + 20], 1e-5);
		assertArrayEquals(Baselines.of("noise", img, 2, 2, 2, 42), Baselines.of("noise", img, 2, 2, 2, 42));
		assertTrue(assertThrows(ExplainException.class, () -> Baselines.of("grey", img, 2, 2, 2, 0)).getMessage().contains("zero, mean, blur or noise"));
	}

	@Test
	void batchSizes() {
		assertEquals(5, Batching.batchSize(5, 64 * 64, 100));
		assertEquals(3, Batching.batchSize(5, 64 * 64, 3));
		assertEquals(Batching.MAX_DEFAULT_BATCH, Batching.batchSize(0, 64 * 64, 1000));
		// 3 x 2048 x 2048 floats are 48 MiB: one per batch under the 64 MiB budget
		assertEquals(1, Batching.batchSize(0, 3L * 2048 * 2048, 1000));
		assertThrows(ExplainException.class, () -> Batching.checkRequested(-1));
	}

	@Test
	void cancellingStopsAtTheNextStep() {
		final int[] seen = new int[1];
		final Progress p = new Progress() {

			@Override
			public void update(final int done, final int total) {
				seen[0] = done;
			}

			@Override
			public boolean isCanceled() {
				return seen[0] >= 3;
			}
		};
		p.step(1, 10);
		p.step(2, 10);
		assertThrows(Progress.Cancelled.class, () -> p.step(3, 10));
	}
}
