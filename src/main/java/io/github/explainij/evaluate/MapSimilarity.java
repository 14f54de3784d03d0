package io.github.explainij.evaluate;

/**
 * How alike two attribution maps are: Spearman's rank correlation (as {@code scipy.stats.spearmanr}: the
 * Pearson correlation of the ranks, ties given their average rank) and the structural similarity SSIM
 * (as {@code skimage.metrics.structural_similarity} with its defaults: a 7x7 uniform window, sample
 * covariance, K1 = 0.01, K2 = 0.03, the mean over the positions whose window lies inside the image).
 * <p>
 * Private to the model-level evaluations until the shared statistics of the evaluation package
 * ({@code evaluate/Statistics}) are merged; then the rank correlation moves there.
 */
public final class MapSimilarity {

	/** The side of SSIM's uniform window (skimage's default win_size). */
	public static final int WINDOW = 7;

	private MapSimilarity() {}

	/**
	 * Spearman's rank correlation of two equally long maps ({@link Statistics#spearman}: ties share their
	 * average rank).
	 *
	 * @return NaN when either map is constant (as scipy)
	 */
	public static double spearman(final float[] a, final float[] b) {
		if (a.length != b.length) throw new IllegalArgumentException(a.length + " values against " + b.length);
		return Statistics.spearman(Statistics.toDouble(a), Statistics.toDouble(b));
	}

	/**
	 * The mean structural similarity of two grey maps of the same size (row-major).
	 *
	 * @param dataRange the value range (skimage's data_range), e.g. max - min of the first map
	 * @throws IllegalArgumentException when a side is shorter than the 7-pixel window
	 */
	public static double ssim(final float[] a, final float[] b, final int width, final int height, final double dataRange) {
		if (a.length != width * height || b.length != width * height) throw new IllegalArgumentException("maps of another size than " + width + "x" + height);
		if (width < WINDOW || height < WINDOW) {
			throw new IllegalArgumentException("SSIM needs maps of at least " + WINDOW + "x" + WINDOW + " pixels, not " + width + "x" + height);
		}
		final double c1 = Math.pow(0.01 * dataRange, 2), c2 = Math.pow(0.03 * dataRange, 2);
		final int np = WINDOW * WINDOW, pad = WINDOW / 2;
		final double covNorm = np / (np - 1.0);
		double sum = 0;
		int count = 0;
		for (int y = pad; y < height - pad; y++) {
			for (int x = pad; x < width - pad; x++) {
				double ux = 0, uy = 0, uxx = 0, uyy = 0, uxy = 0;
				for (int dy = -pad; dy <= pad; dy++) {
					for (int dx = -pad; dx <= pad; dx++) {
						final int i = (y + dy) * width + x + dx;
						final double p = a[i], q = b[i];
						ux += p;
						uy += q;
						uxx += p * p;
						uyy += q * q;
						uxy += p * q;
					}
				}
				ux /= np;
				uy /= np;
				uxx /= np;
				uyy /= np;
				uxy /= np;
				final double vx = covNorm * (uxx - ux * ux), vy = covNorm * (uyy - uy * uy), vxy = covNorm * (uxy - ux * uy);
				sum += (2 * ux * uy + c1) * (2 * vxy + c2) / ((ux * ux + uy * uy + c1) * (vx + vy + c2));
				count++;
			}
		}
		return sum / count;
	}

	/** max - min of a map. */
	public static double range(final float[] v) {
		double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
		for (final float x : v) {
			lo = Math.min(lo, x);
			hi = Math.max(hi, x);
		}
		return hi - lo;
	}

	/** The absolute values of a map (a new array). */
	public static float[] abs(final float[] v) {
		final float[] out = new float[v.length];
		for (int i = 0; i < v.length; i++) out[i] = Math.abs(v[i]);
		return out;
	}
}
