package io.github.explainij.method.gradient;

import io.github.explainij.ExplainException;

/**
 * Quadrature rules for the path integral of Integrated Gradients, exactly as Captum defines them
 * ({@code captum/attr/_utils/approximation_methods.py}): points {@code alphas(n)} in [0, 1] and weights
 * {@code weights(n)} (Captum's "step sizes"), so that the integral of f over [0, 1] is approximated by
 * {@code sum_i weights[i] * f(alphas[i])}.
 * <ul>
 * <li>{@code riemann_left / right / middle}: n equal steps of 1/n at the left ends, right ends or
 * middles of the intervals;</li>
 * <li>{@code riemann_trapezoid}: n points from 0 to 1 inclusive with weights 1/n, the two end weights
 * halved (Captum's definition; its weights sum to 1 - 1/n, not 1);</li>
 * <li>{@code gausslegendre} (Captum's default): Gauss-Legendre nodes and weights on [-1, 1] (as numpy's
 * {@code leggauss}) mapped to [0, 1]: alpha = (1 + node) / 2, weight = weight / 2.</li>
 * </ul>
 */
public enum Integration {
	GAUSS_LEGENDRE("gausslegendre"), RIEMANN_LEFT("riemann_left"), RIEMANN_RIGHT("riemann_right"),
	RIEMANN_MIDDLE("riemann_middle"), RIEMANN_TRAPEZOID("riemann_trapezoid");

	private final String key;

	Integration(final String key) {
		this.key = key;
	}

	public String key() {
		return key;
	}

	public static Integration parse(final String text) {
		for (final Integration i : values()) {
			if (i.key.equalsIgnoreCase(text == null ? "" : text.trim())) return i;
		}
		throw new ExplainException("integration must be gausslegendre, riemann_left, riemann_right, riemann_middle or " +
			"riemann_trapezoid, not '" + text + "'");
	}

	/** The fewest steps the rule takes (Captum asserts n > 1 for Riemann sums, n > 0 for Gauss-Legendre). */
	public int minSteps() {
		return this == GAUSS_LEGENDRE ? 1 : 2;
	}

	/** The points on the path, in [0, 1], ascending. */
	public double[] alphas(final int n) {
		check(n);
		switch (this) {
			case GAUSS_LEGENDRE: {
				final double[] nodes = gaussLegendre(n)[0];
				final double[] a = new double[n];
				for (int i = 0; i < n; i++) a[i] = 0.5 * (1 + nodes[i]);
				return a;
			}
			case RIEMANN_TRAPEZOID: return linspace(0, 1, n);
			case RIEMANN_LEFT: return linspace(0, 1 - 1.0 / n, n);
			case RIEMANN_MIDDLE: return linspace(1 / (2.0 * n), 1 - 1 / (2.0 * n), n);
			case RIEMANN_RIGHT: return linspace(1.0 / n, 1, n);
			default: throw new IllegalStateException(key);
		}
	}

	/** The weight of each point (Captum's step sizes). */
	public double[] weights(final int n) {
		check(n);
		if (this == GAUSS_LEGENDRE) {
			final double[] w = gaussLegendre(n)[1];
			for (int i = 0; i < n; i++) w[i] *= 0.5;
			return w;
		}
		final double[] w = new double[n];
		java.util.Arrays.fill(w, 1.0 / n);
		if (this == RIEMANN_TRAPEZOID) {
			w[0] /= 2;
			w[n - 1] /= 2;
		}
		return w;
	}

	private void check(final int n) {
		if (n < minSteps()) throw new ExplainException(key + " needs at least " + minSteps() + " steps, not " + n);
	}

	/** numpy.linspace: start + i * step, the last point exactly stop. */
	static double[] linspace(final double start, final double stop, final int n) {
		final double[] v = new double[n];
		if (n == 1) {
			v[0] = start;
			return v;
		}
		final double step = (stop - start) / (n - 1);
		for (int i = 0; i < n; i++) v[i] = start + i * step;
		v[n - 1] = stop;
		return v;
	}

	/**
	 * Gauss-Legendre nodes (ascending) and weights on [-1, 1]: the roots of the Legendre polynomial
	 * P_n by Newton's method from the usual cosine guesses, weights 2 / ((1 - x^2) P_n'(x)^2). Agrees with
	 * numpy's {@code leggauss} to about 1e-15.
	 */
	static double[][] gaussLegendre(final int n) {
		final double[] x = new double[n], w = new double[n];
		for (int i = 0; i < (n + 1) / 2; i++) {
			double z = Math.cos(Math.PI * (i + 0.75) / (n + 0.5));
			double dp = 0;
			for (int iter = 0; iter < 100; iter++) {
				final double[] p = legendre(n, z);
				dp = p[1];
				final double dz = p[0] / dp;
				z -= dz;
				if (Math.abs(dz) < 1e-16) break;
			}
			dp = legendre(n, z)[1];
			// z is the i-th largest root; store ascending, symmetric about 0
			x[n - 1 - i] = z;
			x[i] = -z;
			w[i] = w[n - 1 - i] = 2 / ((1 - z * z) * dp * dp);
		}
		if (n % 2 == 1) x[n / 2] = 0;
		return new double[][] { x, w };
	}

	/** P_n(z) and P_n'(z) by the three-term recurrence. */
	private static double[] legendre(final int n, final double z) {
		double p0 = 1, p1 = z;
		if (n == 0) return new double[] { 1, 0 };
		for (int k = 2; k <= n; k++) {
			final double p2 = ((2 * k - 1) * z * p1 - (k - 1) * p0) / k;
			p0 = p1;
			p1 = p2;
		}
		final double dp = n * (z * p1 - p0) / (z * z - 1);
		return new double[] { p1, dp };
	}
}
