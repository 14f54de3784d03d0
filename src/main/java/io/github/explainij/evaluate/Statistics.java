package io.github.explainij.evaluate;

import java.util.Arrays;
import java.util.Random;

/**
 * The small statistics the evaluations report: Pearson and Spearman correlation (as SciPy's
 * {@code pearsonr} / {@code spearmanr}), the area under a curve by the trapezoid rule (NumPy's
 * {@code trapz}), and a bootstrap 95% interval of a mean (percentile method, seeded).
 */
public final class Statistics {

	/** Bootstrap resamples of {@link #bootstrap95}. */
	public static final int BOOTSTRAP_RESAMPLES = 2000;

	private Statistics() {}

	/**
	 * Pearson's correlation of two equally long series; NaN when either is constant (the correlation is
	 * undefined, as SciPy's pearsonr).
	 */
	public static double pearson(final double[] a, final double[] b) {
		requireSameLength(a, b);
		final double ma = mean(a), mb = mean(b);
		double sab = 0, saa = 0, sbb = 0;
		for (int i = 0; i < a.length; i++) {
			final double da = a[i] - ma, db = b[i] - mb;
			sab += da * db;
			saa += da * da;
			sbb += db * db;
		}
		if (saa == 0 || sbb == 0) return Double.NaN;
		return Math.max(-1, Math.min(1, sab / Math.sqrt(saa * sbb)));
	}

	/** Spearman's rank correlation: Pearson's correlation of the ranks, ties given their average rank. */
	public static double spearman(final double[] a, final double[] b) {
		requireSameLength(a, b);
		return pearson(ranks(a), ranks(b));
	}

	/** Ranks 1..n, ties sharing their average rank (SciPy's {@code rankdata(method="average")}). */
	public static double[] ranks(final double[] v) {
		final Integer[] order = new Integer[v.length];
		for (int i = 0; i < v.length; i++) order[i] = i;
		Arrays.sort(order, (i, j) -> Double.compare(v[i], v[j]));
		final double[] r = new double[v.length];
		for (int start = 0; start < v.length;) {
			int end = start + 1;
			while (end < v.length && Double.compare(v[order[end]], v[order[start]]) == 0) end++;
			final double rank = (start + 1 + end) / 2.0; // average of ranks start+1 .. end
			for (int k = start; k < end; k++) r[order[k]] = rank;
			start = end;
		}
		return r;
	}

	/** The area under y(x) by the trapezoid rule (x ascending). */
	public static double trapezoid(final double[] x, final double[] y) {
		requireSameLength(x, y);
		double area = 0;
		for (int i = 1; i < x.length; i++) area += (x[i] - x[i - 1]) * (y[i] + y[i - 1]) / 2;
		return area;
	}

	public static double mean(final double[] v) {
		double s = 0;
		for (final double x : v) s += x;
		return s / v.length;
	}

	/** A mean with its 95% interval. */
	public static final class Interval {

		public final double mean, low, high;
		/** How many values it was computed from. */
		public final int n;

		Interval(final double mean, final double low, final double high, final int n) {
			this.mean = mean;
			this.low = low;
			this.high = high;
			this.n = n;
		}

		@Override
		public String toString() {
			return String.format(java.util.Locale.ROOT, "%.4g [%.4g, %.4g]", mean, low, high);
		}
	}

	/**
	 * The mean of the values and its bootstrap 95% interval by the percentile method: the 2.5th and 97.5th
	 * percentiles (linear interpolation, as NumPy's default) of the means of {@link #BOOTSTRAP_RESAMPLES}
	 * resamples drawn with replacement by {@code java.util.Random(seed)}. NaN values are left out (a metric
	 * that is undefined for an image); no value left gives NaN throughout.
	 */
	public static Interval bootstrap95(final double[] values, final long seed) {
		final double[] v = Arrays.stream(values).filter(x -> !Double.isNaN(x)).toArray();
		if (v.length == 0) return new Interval(Double.NaN, Double.NaN, Double.NaN, 0);
		final Random random = new Random(seed);
		final double[] means = new double[BOOTSTRAP_RESAMPLES];
		for (int r = 0; r < means.length; r++) {
			double s = 0;
			for (int i = 0; i < v.length; i++) s += v[random.nextInt(v.length)];
			means[r] = s / v.length;
		}
		Arrays.sort(means);
		return new Interval(mean(v), percentile(means, 2.5), percentile(means, 97.5), v.length);
	}

	/** The p-th percentile of sorted values, linear interpolation between closest ranks (NumPy's default). */
	public static double percentile(final double[] sorted, final double p) {
		final double pos = p / 100 * (sorted.length - 1);
		final int lo = (int) Math.floor(pos), hi = Math.min(sorted.length - 1, lo + 1);
		return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
	}

	public static double[] toDouble(final float[] v) {
		final double[] out = new double[v.length];
		for (int i = 0; i < v.length; i++) out[i] = v[i];
		return out;
	}

	private static void requireSameLength(final double[] a, final double[] b) {
		if (a.length != b.length) throw new IllegalArgumentException(a.length + " values against " + b.length);
	}
}
