package io.github.explainij.evaluate;

import io.github.explainij.ExplainException;

import java.util.Random;

/**
 * A linear probe: can a property (a nuisance such as plate, scanner or date) be read off the model's
 * features with a linear rule? A ridge classifier (scikit-learn's {@code RidgeClassifier}: targets +1
 * for the class, -1 otherwise; least squares with an L2 penalty {@code alpha}; the class with the
 * largest output; features standardized with the training fold's mean and population standard
 * deviation, a constant feature left as 0), scored by balanced accuracy (the mean recall over the
 * classes present) of out-of-fold predictions in k-fold cross-validation, against chance (1 / number
 * of classes), with a permutation test (Ojala and Garriga): the same cross-validation on labels shuffled
 * with {@code java.util.Random(seed)} (each permutation as {@code Collections.shuffle}: for i = n .. 2,
 * swap i - 1 with {@code nextInt(i)}, the generator running on from one permutation to the next);
 * p = (1 + number of permutations scoring at least the real labels) / (1 + permutations).
 * <p>
 * Folds are stratified and deterministic: the samples, grouped by class (classes in index order, samples
 * in their order), are dealt to folds 0, 1, .., k-1, 0, 1, .. in turn; the permutations keep these folds.
 */
public final class LinearProbe {

	/** The L2 penalty (scikit-learn's default). */
	public static final double ALPHA = 1.0;

	/** The outcome of a probe. */
	public static final class Result {

		public final double balancedAccuracy;
		public final double chance;
		public final double pValue;
		public final double[] permutationScores;
		public final int[] predictions;

		Result(final double balancedAccuracy, final double chance, final double pValue, final double[] permutationScores,
			final int[] predictions)
		{
			this.balancedAccuracy = balancedAccuracy;
			this.chance = chance;
			this.pValue = pValue;
			this.permutationScores = permutationScores;
			this.predictions = predictions;
		}
	}

	private LinearProbe() {}

	/**
	 * @param x samples x features
	 * @param y class index (0 .. classes-1) of each sample; every class needs at least 2 samples
	 * @param folds k of the k-fold cross-validation (2 .. n)
	 */
	public static Result test(final double[][] x, final int[] y, final int classes, final int folds, final int permutations, final long seed) {
		final int n = y.length;
		if (folds < 2) throw new ExplainException("folds must be at least 2, not " + folds);
		if (folds > n) throw new ExplainException("folds (" + folds + ") cannot exceed the number of images (" + n + ")");
		if (permutations < 0) throw new ExplainException("permutations must be 0 or more, not " + permutations);
		final int[] fold = folds(y, classes, folds);
		final int[] predictions = crossValidated(x, y, classes, fold, folds);
		final double score = balancedAccuracy(y, predictions, classes);
		final Random random = new Random(seed);
		final int[] shuffled = y.clone();
		final double[] scores = new double[permutations];
		int atLeast = 0;
		for (int p = 0; p < permutations; p++) {
			for (int i = n; i > 1; i--) {
				final int j = random.nextInt(i);
				final int t = shuffled[i - 1];
				shuffled[i - 1] = shuffled[j];
				shuffled[j] = t;
			}
			scores[p] = balancedAccuracy(shuffled, crossValidated(x, shuffled, classes, fold, folds), classes);
			if (scores[p] >= score) atLeast++;
		}
		int present = 0;
		for (final int c : counts(y, classes)) {
			if (c > 0) present++;
		}
		return new Result(score, 1.0 / present, (1.0 + atLeast) / (1.0 + permutations), scores, predictions);
	}

	private static int[] counts(final int[] y, final int classes) {
		final int[] counts = new int[classes];
		for (final int c : y) counts[c]++;
		return counts;
	}

	/** The fold of each sample (see the class comment). */
	public static int[] folds(final int[] y, final int classes, final int k) {
		final int[] fold = new int[y.length];
		int next = 0;
		for (int c = 0; c < classes; c++) {
			for (int i = 0; i < y.length; i++) {
				if (y[i] == c) fold[i] = next++ % k;
			}
		}
		return fold;
	}

	/** Mean recall over the classes present in {@code truth} (summed in class order). */
	public static double balancedAccuracy(final int[] truth, final int[] predicted, final int classes) {
		final int[] n = new int[classes], right = new int[classes];
		for (int i = 0; i < truth.length; i++) {
			n[truth[i]]++;
			if (predicted[i] == truth[i]) right[truth[i]]++;
		}
		double sum = 0;
		int present = 0;
		for (int c = 0; c < classes; c++) {
			if (n[c] == 0) continue;
			sum += right[c] / (double) n[c];
			present++;
		}
		return sum / present;
	}

	/** Each sample's prediction by the probe fitted on the other folds. */
	static int[] crossValidated(final double[][] x, final int[] y, final int classes, final int[] fold, final int k) {
		final int[] out = new int[y.length];
		for (int f = 0; f < k; f++) {
			int train = 0;
			for (final int g : fold) {
				if (g != f) train++;
			}
			if (train == y.length) continue; // an empty fold
			final double[][] xt = new double[train][];
			final int[] yt = new int[train];
			int t = 0;
			for (int i = 0; i < y.length; i++) {
				if (fold[i] != f) {
					xt[t] = x[i];
					yt[t++] = y[i];
				}
			}
			final Ridge ridge = Ridge.fit(xt, yt, classes, ALPHA);
			for (int i = 0; i < y.length; i++) {
				if (fold[i] == f) out[i] = ridge.predict(x[i]);
			}
		}
		return out;
	}

	/** A fitted ridge classifier. */
	static final class Ridge {

		final double[] mean, scale;
		final double[][] weights; // features x classes
		final double[] intercept;

		private Ridge(final double[] mean, final double[] scale, final double[][] weights, final double[] intercept) {
			this.mean = mean;
			this.scale = scale;
			this.weights = weights;
			this.intercept = intercept;
		}

		static Ridge fit(final double[][] x, final int[] y, final int classes, final double alpha) {
			final int n = x.length, d = x[0].length;
			final double[] mean = new double[d], scale = new double[d];
			for (final double[] row : x) {
				for (int j = 0; j < d; j++) mean[j] += row[j];
			}
			for (int j = 0; j < d; j++) mean[j] /= n;
			for (final double[] row : x) {
				for (int j = 0; j < d; j++) scale[j] += (row[j] - mean[j]) * (row[j] - mean[j]);
			}
			for (int j = 0; j < d; j++) {
				scale[j] = Math.sqrt(scale[j] / n);
				if (scale[j] == 0) scale[j] = 1;
			}
			final double[][] z = new double[n][d];
			for (int i = 0; i < n; i++) {
				for (int j = 0; j < d; j++) z[i][j] = (x[i][j] - mean[j]) / scale[j];
			}
			// centred targets: +1 / -1 minus the class column's mean (the intercept)
			final double[] intercept = new double[classes];
			final double[][] t = new double[n][classes];
			for (int c = 0; c < classes; c++) {
				for (int i = 0; i < n; i++) intercept[c] += y[i] == c ? 1 : -1;
				intercept[c] /= n;
				for (int i = 0; i < n; i++) t[i][c] = (y[i] == c ? 1 : -1) - intercept[c];
			}
			final double[][] w;
			if (n < d) {
				// dual form: W = Z^T (Z Z^T + alpha I)^-1 T, the same solution with an n x n system
				final double[][] g = new double[n][n];
				for (int i = 0; i < n; i++) {
					for (int k = 0; k <= i; k++) {
						double s = 0;
						for (int j = 0; j < d; j++) s += z[i][j] * z[k][j];
						g[i][k] = g[k][i] = s;
					}
					g[i][i] += alpha;
				}
				final double[][] a = Cholesky.solve(g, t);
				w = new double[d][classes];
				for (int j = 0; j < d; j++) {
					for (int c = 0; c < classes; c++) {
						double s = 0;
						for (int i = 0; i < n; i++) s += z[i][j] * a[i][c];
						w[j][c] = s;
					}
				}
			}
			else {
				final double[][] g = new double[d][d];
				final double[][] r = new double[d][classes];
				for (int j = 0; j < d; j++) {
					for (int k = 0; k <= j; k++) {
						double s = 0;
						for (int i = 0; i < n; i++) s += z[i][j] * z[i][k];
						g[j][k] = g[k][j] = s;
					}
					g[j][j] += alpha;
					for (int c = 0; c < classes; c++) {
						double s = 0;
						for (int i = 0; i < n; i++) s += z[i][j] * t[i][c];
						r[j][c] = s;
					}
				}
				w = Cholesky.solve(g, r);
			}
			return new Ridge(mean, scale, w, intercept);
		}

		/** The outputs (one per class) for a sample. */
		double[] decision(final double[] sample) {
			final double[] out = intercept.clone();
			for (int j = 0; j < mean.length; j++) {
				final double z = (sample[j] - mean[j]) / scale[j];
				for (int c = 0; c < out.length; c++) out[c] += z * weights[j][c];
			}
			return out;
		}

		int predict(final double[] sample) {
			final double[] v = decision(sample);
			int best = 0;
			for (int c = 1; c < v.length; c++) {
				if (v[c] > v[best]) best = c;
			}
			return best;
		}
	}

	/** Solves A X = B for a symmetric positive definite A. */
	static final class Cholesky {

		private Cholesky() {}

		static double[][] solve(final double[][] a, final double[][] b) {
			final int n = a.length, m = b[0].length;
			final double[][] l = new double[n][n];
			for (int i = 0; i < n; i++) {
				for (int j = 0; j <= i; j++) {
					double s = a[i][j];
					for (int k = 0; k < j; k++) s -= l[i][k] * l[j][k];
					if (i == j) {
						if (s <= 0) throw new ExplainException("the probe's system is not positive definite (non-finite features?)");
						l[i][i] = Math.sqrt(s);
					}
					else l[i][j] = s / l[j][j];
				}
			}
			final double[][] x = new double[n][m];
			for (int c = 0; c < m; c++) {
				final double[] v = new double[n];
				for (int i = 0; i < n; i++) {
					double s = b[i][c];
					for (int k = 0; k < i; k++) s -= l[i][k] * v[k];
					v[i] = s / l[i][i];
				}
				for (int i = n - 1; i >= 0; i--) {
					double s = v[i];
					for (int k = i + 1; k < n; k++) s -= l[k][i] * x[k][c];
					x[i][c] = s / l[i][i];
				}
			}
			return x;
		}
	}
}
