package io.github.explainij.evaluate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;

import org.junit.jupiter.api.Test;

/** The ridge probe, cross-validation and permutation test on hand-checkable cases (the NumPy reference: ShortcutAuditCommandsTest). */
class LinearProbeTest {

	@Test
	void separableNuisanceScoresOneWithTheSmallestPValue() {
		final Random r = new Random(1);
		final double[][] x = new double[20][3];
		final int[] y = new int[20];
		for (int i = 0; i < 20; i++) {
			y[i] = i % 2;
			x[i][0] = (y[i] == 1 ? 10 : -10) + r.nextGaussian();
			x[i][1] = r.nextGaussian();
			x[i][2] = r.nextGaussian();
		}
		final LinearProbe.Result result = LinearProbe.test(x, y, 2, 5, 50, 4);
		assertEquals(1.0, result.balancedAccuracy);
		assertEquals(0.5, result.chance);
		assertEquals(1.0 / 51, result.pValue, 1e-15);
		assertEquals(50, result.permutationScores.length);
		assertArrayEquals(y, result.predictions);
	}

	@Test
	void foldsAreStratifiedRoundRobin() {
		// class 0 (samples 0, 2, 4) goes to folds 0, 1, 2, then class 1 (samples 1, 3, 5) to folds 0, 1, 2; with 5 of class 0 and k=3 the next class goes on from fold 2
		assertArrayEquals(new int[] { 0, 0, 1, 1, 2, 2 }, LinearProbe.folds(new int[] { 0, 1, 0, 1, 0, 1 }, 2, 3));
		assertArrayEquals(new int[] { 0, 1, 2, 0, 1, 2, 0 }, LinearProbe.folds(new int[] { 0, 0, 0, 0, 0, 1, 1 }, 2, 3));
	}

	@Test
	void balancedAccuracyIsTheMeanRecall() {
		// class 0: 3 of 4 right, class 1: 1 of 2 right, class 2 absent
		assertEquals((0.75 + 0.5) / 2, LinearProbe.balancedAccuracy(new int[] { 0, 0, 0, 0, 1, 1 }, new int[] { 0, 0, 0, 1, 1, 0 }, 3), 1e-15);
	}

	@Test
	void ridgeMatchesTheNormalEquationsInBothForms() {
		// more features than samples (dual form) and fewer (primal form) give the same decision as the primal equations
		final Random r = new Random(2);
		for (final int d : new int[] { 3, 12 }) {
			final double[][] x = new double[8][d];
			final int[] y = new int[8];
			for (int i = 0; i < 8; i++) {
				y[i] = i % 3;
				for (int j = 0; j < d; j++) x[i][j] = r.nextGaussian() + (j == 0 ? y[i] : 0);
			}
			final LinearProbe.Ridge ridge = LinearProbe.Ridge.fit(x, y, 3, 1.0);
			// the primal solution, directly: (Z^T Z + I) W = Z^T T
			final double[][] z = new double[8][d];
			for (int i = 0; i < 8; i++) {
				for (int j = 0; j < d; j++) z[i][j] = (x[i][j] - ridge.mean[j]) / ridge.scale[j];
			}
			final double[][] g = new double[d][d], rhs = new double[d][3];
			for (int j = 0; j < d; j++) {
				for (int k = 0; k < d; k++) {
					for (int i = 0; i < 8; i++) g[j][k] += z[i][j] * z[i][k];
				}
				g[j][j] += 1;
				for (int c = 0; c < 3; c++) {
					for (int i = 0; i < 8; i++) rhs[j][c] += z[i][j] * ((y[i] == c ? 1 : -1) - ridge.intercept[c]);
				}
			}
			final double[][] w = LinearProbe.Cholesky.solve(g, rhs);
			for (int j = 0; j < d; j++) assertArrayEquals(w[j], ridge.weights[j], 1e-10, "d=" + d + " feature " + j);
			assertEquals((3 - 5) / 8.0, ridge.intercept[0], 1e-15); // class 0: samples 0, 3, 6 of 8
		}
	}
}
