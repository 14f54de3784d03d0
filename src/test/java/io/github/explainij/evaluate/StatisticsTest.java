package io.github.explainij.evaluate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

/** Hand-computed values and known answers of the statistics helpers. */
class StatisticsTest {

	@Test
	void pearsonOfHandValues() {
		// x = 1..4, y = 2, 4, 5, 9: 11 / sqrt(5 * 26) (scipy.stats.pearsonr: 0.9647638212377322)
		assertEquals(0.9647638212377322, Statistics.pearson(new double[] { 1, 2, 3, 4 }, new double[] { 2, 4, 5, 9 }), 1e-12);
		assertEquals(11 / Math.sqrt(130), Statistics.pearson(new double[] { 1, 2, 3, 4 }, new double[] { 2, 4, 5, 9 }), 1e-12);
		assertEquals(-1, Statistics.pearson(new double[] { 1, 2, 3 }, new double[] { 3, 2, 1 }), 1e-12);
		assertTrue(Double.isNaN(Statistics.pearson(new double[] { 1, 1, 1 }, new double[] { 1, 2, 3 })), "constant: undefined");
	}

	@Test
	void tiesShareTheirAverageRank() {
		assertArrayEquals(new double[] { 1, 2.5, 2.5, 4, 6, 6, 6 }, Statistics.ranks(new double[] { -1, 0, 0, 3, 5, 5, 5 }), 0);
		assertArrayEquals(new double[] { 3, 1, 2 }, Statistics.ranks(new double[] { 9, -4, 0.5 }), 0);
		// scipy.stats.spearmanr([1, 2, 2, 3], [1, 3, 2, 4]) = 0.9486832980505138
		assertEquals(0.9486832980505138, Statistics.spearman(new double[] { 1, 2, 2, 3 }, new double[] { 1, 3, 2, 4 }), 1e-12);
		// a monotone transform does not change Spearman's correlation
		assertEquals(1, Statistics.spearman(new double[] { 1, 2, 3, 4 }, new double[] { 1, 8, 27, 1000 }), 1e-12);
	}

	@Test
	void trapezoid() {
		assertEquals(0.5, Statistics.trapezoid(new double[] { 0, 0.5, 1 }, new double[] { 0, 0.5, 1 }), 1e-15);
		assertEquals(0.25 * (1 + 3) / 2 + 0.75 * (3 + 0) / 2, Statistics.trapezoid(new double[] { 0, 0.25, 1 }, new double[] { 1, 3, 0 }), 1e-15);
	}

	@Test
	void percentileInterpolatesAsNumPy() {
		// numpy.percentile([1, 2, 3, 4, 10], [2.5, 50, 97.5]) = 1.1, 3.0, 9.4
		final double[] v = { 1, 2, 3, 4, 10 };
		assertEquals(1.1, Statistics.percentile(v, 2.5), 1e-12);
		assertEquals(3.0, Statistics.percentile(v, 50), 1e-12);
		assertEquals(9.4, Statistics.percentile(v, 97.5), 1e-12);
	}

	@Test
	void bootstrapInterval() {
		final Statistics.Interval constant = Statistics.bootstrap95(new double[] { 0.3, 0.3, 0.3 }, 1);
		assertEquals(0.3, constant.mean, 1e-15);
		assertEquals(0.3, constant.low, 1e-15);
		assertEquals(0.3, constant.high, 1e-15);
		// NaN values (undefined for an image) are left out
		assertEquals(2, Statistics.bootstrap95(new double[] { 1, Double.NaN, 3 }, 1).n);
		assertEquals(2, Statistics.bootstrap95(new double[] { 1, Double.NaN, 3 }, 1).mean, 0);
		// normal data: the percentile interval of the mean is about mean +- 1.96 sd / sqrt(n); with n = 400 and
		// 2000 resamples its half width is within 10% of that (the sample sd itself varies by ~4%)
		final Random r = new Random(5);
		final double[] v = new double[400];
		for (int i = 0; i < v.length; i++) v[i] = 2 + r.nextGaussian();
		final Statistics.Interval iv = Statistics.bootstrap95(v, 42);
		double sd = 0;
		for (final double x : v) sd += (x - iv.mean) * (x - iv.mean);
		sd = Math.sqrt(sd / (v.length - 1));
		final double half = 1.96 * sd / Math.sqrt(v.length);
		assertTrue(iv.low < iv.mean && iv.mean < iv.high, iv.toString());
		assertEquals(half, (iv.high - iv.low) / 2, 0.1 * half, iv.toString());
		// seeded: the same seed gives the same interval
		assertEquals(iv.low, Statistics.bootstrap95(v, 42).low, 0);
	}
}
