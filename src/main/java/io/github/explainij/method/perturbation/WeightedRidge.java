package io.github.explainij.method.perturbation;

/**
 * Weighted ridge regression with an intercept, as scikit-learn's {@code Ridge(alpha, fit_intercept=True)
 * .fit(X, y, sample_weight)} that LIME fits: minimises
 * {@code sum_i w_i (y_i - b - x_i . beta)^2 + alpha |beta|^2} (the intercept is not penalised). X and y
 * are centred with their weighted means, then {@code (Xc' W Xc + alpha I) beta = Xc' W yc} is solved
 * by Cholesky decomposition, and {@code b = mean_w(y) - mean_w(x) . beta}.
 */
public final class WeightedRidge {

	private final double[] coefficients;
	private final double intercept;
	private final double r2;

	private WeightedRidge(final double[] coefficients, final double intercept, final double r2) {
		this.coefficients = coefficients;
		this.intercept = intercept;
		this.r2 = r2;
	}

	/**
	 * @param x samples x features, row-major [n * f]
	 * @param y targets [n]
	 * @param w sample weights [n], not all zero
	 * @param alpha the L2 penalty (LIME: 1)
	 */
	public static WeightedRidge fit(final float[] x, final int f, final double[] y, final double[] w, final double alpha) {
		final int n = y.length;
		double sw = 0;
		final double[] mx = new double[f];
		double my = 0;
		for (int i = 0; i < n; i++) {
			sw += w[i];
			my += w[i] * y[i];
			for (int j = 0; j < f; j++) mx[j] += w[i] * x[i * f + j];
		}
		my /= sw;
		for (int j = 0; j < f; j++) mx[j] /= sw;
		final double[] a = new double[f * f];
		final double[] b = new double[f];
		final double[] row = new double[f];
		for (int i = 0; i < n; i++) {
			if (w[i] == 0) continue;
			for (int j = 0; j < f; j++) row[j] = x[i * f + j] - mx[j];
			final double yc = y[i] - my;
			for (int j = 0; j < f; j++) {
				final double wr = w[i] * row[j];
				b[j] += wr * yc;
				for (int l = 0; l <= j; l++) a[j * f + l] += wr * row[l];
			}
		}
		for (int j = 0; j < f; j++) {
			a[j * f + j] += alpha;
			for (int l = 0; l < j; l++) a[l * f + j] = a[j * f + l];
		}
		final double[] beta = solveSymmetric(a, b, f);
		double intercept = my;
		for (int j = 0; j < f; j++) intercept -= mx[j] * beta[j];
		double rss = 0, tss = 0;
		for (int i = 0; i < n; i++) {
			double pred = intercept;
			for (int j = 0; j < f; j++) pred += beta[j] * x[i * f + j];
			rss += w[i] * (y[i] - pred) * (y[i] - pred);
			tss += w[i] * (y[i] - my) * (y[i] - my);
		}
		return new WeightedRidge(beta, intercept, tss > 0 ? 1 - rss / tss : 1);
	}

	/** Solves A z = b for symmetric positive definite A (Cholesky). */
	static double[] solveSymmetric(final double[] a, final double[] b, final int f) {
		final double[] l = new double[f * f];
		for (int i = 0; i < f; i++) {
			for (int j = 0; j <= i; j++) {
				double s = a[i * f + j];
				for (int k = 0; k < j; k++) s -= l[i * f + k] * l[j * f + k];
				if (i == j) l[i * f + i] = Math.sqrt(Math.max(s, 1e-300));
				else l[i * f + j] = s / l[j * f + j];
			}
		}
		final double[] z = new double[f];
		for (int i = 0; i < f; i++) {
			double s = b[i];
			for (int k = 0; k < i; k++) s -= l[i * f + k] * z[k];
			z[i] = s / l[i * f + i];
		}
		for (int i = f - 1; i >= 0; i--) {
			double s = z[i];
			for (int k = i + 1; k < f; k++) s -= l[k * f + i] * z[k];
			z[i] = s / l[i * f + i];
		}
		return z;
	}

	public double[] coefficients() { return coefficients.clone(); }

	public double intercept() { return intercept; }

	/** Weighted coefficient of determination of the fit (lime's {@code score}). */
	public double r2() { return r2; }
}
