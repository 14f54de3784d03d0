package io.github.explainij.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/** Rows of PyTorch's interpolate(mode="bilinear", align_corners=False), worked by hand. */
class BilinearWeightsTest {

	@Test
	void halvingAveragesPairs() {
		assertArrayEquals(new float[] { .5f, .5f, 0, 0, 0, 0, .5f, .5f }, BilinearWeights.matrix(4, 2), 1e-7f);
	}

	@Test
	void doublingClampsAtTheBorders() {
		// out j reads (j + 0.5) / 2 - 0.5: -0.25 -> 0 (clamped), 0.25, 0.75, 1.25 -> (1, 0 at clamp)
		assertArrayEquals(new float[] { 1, 0, .75f, .25f, .25f, .75f, 0, 1 }, BilinearWeights.matrix(2, 4), 1e-7f);
	}

	@Test
	void sameSizeIsIdentity() {
		assertArrayEquals(new float[] { 1, 0, 0, 0, 1, 0, 0, 0, 1 }, BilinearWeights.matrix(3, 3), 0);
	}
}
