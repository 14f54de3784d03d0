package io.github.explainij.inspect;

/**
 * Principal component analysis of a small table (rows = samples, columns = features), as
 * {@code numpy.linalg.svd} of the column-centred data: {@code Xc = U S V^T}; component i is row i of
 * {@code V^T}, the scores are {@code Xc V}, and the explained variance ratio of component i is
 * {@code S_i^2 / sum S^2} (scikit-learn's {@code explained_variance_ratio_}). The sign of each component is
 * fixed so that its loading of largest absolute value (the first such) is positive.
 * <p>
 * The eigenvectors come from the cyclic Jacobi method on the smaller of {@code Xc^T Xc} (features x
 * features) and {@code Xc Xc^T} (samples x samples), in double precision: a few hundred channels or
 * images take milliseconds.
 */
public final class Pca {

	private final double[][] scores; // [n][components]
	private final double[][] components; // [components][features]
	private final double[] ratios;

	private Pca(final double[][] scores, final double[][] components, final double[] ratios) {
		this.scores = scores;
		this.components = components;
		this.ratios = ratios;
	}

	/**
	 * @param data rows = samples, columns = features (at least 2 rows)
	 * @param count how many components to keep (at most min(rows, columns))
	 */
	public static Pca of(final double[][] data, final int count) {
		final int n = data.length, d = data[0].length;
		final int k = Math.min(count, Math.min(n, d));
		final double[][] x = new double[n][d];
		for (int j = 0; j < d; j++) {
			double mean = 0;
			for (int i = 0; i < n; i++) mean += data[i][j];
			mean /= n;
			for (int i = 0; i < n; i++) x[i][j] = data[i][j] - mean;
		}
		final double[][] v = new double[k][d]; // components
		final double[] eig;
		if (d <= n) {
			final double[][] c = new double[d][d];
			for (int a = 0; a < d; a++) {
				for (int b = a; b < d; b++) {
					double s = 0;
					for (int i = 0; i < n; i++) s += x[i][a] * x[i][b];
					c[a][b] = c[b][a] = s;
				}
			}
			final double[][] vectors = new double[d][d];
			eig = jacobi(c, vectors);
			final int[] order = descending(eig);
			for (int m = 0; m < k; m++) {
				for (int j = 0; j < d; j++) v[m][j] = vectors[j][order[m]];
			}
			return finish(x, v, sorted(eig, order));
		}
		final double[][] g = new double[n][n];
		for (int a = 0; a < n; a++) {
			for (int b = a; b < n; b++) {
				double s = 0;
				for (int j = 0; j < d; j++) s += x[a][j] * x[b][j];
				g[a][b] = g[b][a] = s;
			}
		}
		final double[][] vectors = new double[n][n];
		eig = jacobi(g, vectors);
		final int[] order = descending(eig);
		for (int m = 0; m < k; m++) {
			// v = Xc^T u / |Xc^T u|
			double norm = 0;
			for (int j = 0; j < d; j++) {
				double s = 0;
				for (int i = 0; i < n; i++) s += x[i][j] * vectors[i][order[m]];
				v[m][j] = s;
				norm += s * s;
			}
			norm = Math.sqrt(norm);
			for (int j = 0; j < d; j++) v[m][j] = norm == 0 ? 0 : v[m][j] / norm;
		}
		return finish(x, v, sorted(eig, order));
	}

	private static Pca finish(final double[][] x, final double[][] v, final double[] eig) {
		final int n = x.length, d = x[0].length, k = v.length;
		double total = 0;
		for (final double e : eig) total += Math.max(0, e);
		final double[] ratios = new double[k];
		for (int m = 0; m < k; m++) {
			ratios[m] = total == 0 ? 0 : Math.max(0, eig[m]) / total;
			int big = 0;
			for (int j = 1; j < d; j++) {
				if (Math.abs(v[m][j]) > Math.abs(v[m][big])) big = j;
			}
			if (v[m][big] < 0) {
				for (int j = 0; j < d; j++) v[m][j] = -v[m][j];
			}
		}
		final double[][] scores = new double[n][k];
		for (int i = 0; i < n; i++) {
			for (int m = 0; m < k; m++) {
				double s = 0;
				for (int j = 0; j < d; j++) s += x[i][j] * v[m][j];
				scores[i][m] = s;
			}
		}
		return new Pca(scores, v, ratios);
	}

	private static int[] descending(final double[] eig) {
		final Integer[] idx = new Integer[eig.length];
		for (int i = 0; i < idx.length; i++) idx[i] = i;
		java.util.Arrays.sort(idx, (a, b) -> Double.compare(eig[b], eig[a]));
		final int[] out = new int[idx.length];
		for (int i = 0; i < idx.length; i++) out[i] = idx[i];
		return out;
	}

	private static double[] sorted(final double[] eig, final int[] order) {
		final double[] out = new double[eig.length];
		for (int i = 0; i < eig.length; i++) out[i] = eig[order[i]];
		return out;
	}

	/**
	 * Eigenvalues of a symmetric matrix by cyclic Jacobi rotations (the matrix is overwritten); the
	 * eigenvectors go to the columns of {@code vectors}.
	 */
	static double[] jacobi(final double[][] a, final double[][] vectors) {
		final int n = a.length;
		for (int i = 0; i < n; i++) {
			java.util.Arrays.fill(vectors[i], 0);
			vectors[i][i] = 1;
		}
		double scale = 0;
		for (int i = 0; i < n; i++) {
			for (int j = 0; j < n; j++) scale += a[i][j] * a[i][j];
		}
		for (int sweep = 0; sweep < 100; sweep++) {
			double off = 0;
			for (int p = 0; p < n; p++) {
				for (int q = p + 1; q < n; q++) off += a[p][q] * a[p][q];
			}
			if (off <= 1e-30 * scale || off == 0) break;
			for (int p = 0; p < n; p++) {
				for (int q = p + 1; q < n; q++) {
					if (a[p][q] == 0) continue;
					final double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
					final double t = Math.signum(theta == 0 ? 1 : theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
					final double c = 1 / Math.sqrt(t * t + 1), s = t * c;
					for (int r = 0; r < n; r++) {
						final double arp = a[r][p], arq = a[r][q];
						a[r][p] = c * arp - s * arq;
						a[r][q] = s * arp + c * arq;
					}
					for (int r = 0; r < n; r++) {
						final double apr = a[p][r], aqr = a[q][r];
						a[p][r] = c * apr - s * aqr;
						a[q][r] = s * apr + c * aqr;
					}
					for (int r = 0; r < n; r++) {
						final double vrp = vectors[r][p], vrq = vectors[r][q];
						vectors[r][p] = c * vrp - s * vrq;
						vectors[r][q] = s * vrp + c * vrq;
					}
				}
			}
		}
		final double[] eig = new double[n];
		for (int i = 0; i < n; i++) eig[i] = a[i][i];
		return eig;
	}

	/** Sample i's coordinate on component m (0-based). */
	public double score(final int i, final int m) { return scores[i][m]; }

	/** Component m's loadings (unit length), a copy. */
	public double[] component(final int m) { return components[m].clone(); }

	/** How many components were kept. */
	public int count() { return ratios.length; }

	/** Component m's share of the total variance. */
	public double explainedVarianceRatio(final int m) { return ratios[m]; }
}
