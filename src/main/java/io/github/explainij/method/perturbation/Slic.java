package io.github.explainij.method.perturbation;

import io.github.explainij.ExplainException;

import java.util.Arrays;

/**
 * SLIC superpixels (Achanta et al., <i>SLIC Superpixels Compared to State-of-the-Art Superpixel
 * Methods</i>, TPAMI 2012), the segmentation LIME explains with.
 * <ul>
 * <li>Intensities are first rescaled to [0, 1] between their 1st and 99.8th percentiles over all
 * channels, and clipped ({@link #normalized}), so {@code compactness} means the same for 8-bit,
 * 16-bit and 32-bit images, hot pixels or not.</li>
 * <li>Centres start on a regular grid of step {@code S = sqrt(W H / segments)}; for {@link #ITERATIONS}
 * rounds each pixel within {@code 2S} of a centre joins the centre with the smallest
 * {@code D^2 = d_intensity^2 + (d_xy / S)^2 * compactness^2} (d_intensity: Euclidean over channels),
 * then centres move to the mean position and intensity of their pixels.</li>
 * <li>Connectivity is enforced: every 4-connected piece becomes its own superpixel, and pieces smaller
 * than a quarter of the expected size {@code S^2} are merged into a neighbouring superpixel.</li>
 * </ul>
 * Labels are 0 .. count-1 in raster order of their first pixel.
 */
public final class Slic {

	/** LIME's default number of superpixels. */
	public static final int DEFAULT_SEGMENTS = 50;

	/**
	 * LIME's default compactness. On the sample images (16-bit, and as 8-bit copies) SLIC then follows the
	 * cells: boundary recall against the evidence masks is about 0.92, against 0.68 for a grid of as many
	 * rectangles; 0.3 to 0.5 are best, 10 (scikit-image's default, meant for Lab colour, whose lightness
	 * runs over 0..100) gives a square grid on intensities in [0, 1].
	 */
	public static final double DEFAULT_COMPACTNESS = 0.5;

	/** The intensity percentiles that become 0 and 1 before segmenting (as CSBDeep's normalization). */
	public static final double LOW_PERCENTILE = 1, HIGH_PERCENTILE = 99.8;

	/** Assignment / update rounds (Achanta et al. report that 10 suffice for most images). */
	public static final int ITERATIONS = 10;

	private final int segments;
	private final double compactness;

	public Slic(final int segments, final double compactness) {
		if (segments < 1) throw new ExplainException("segments must be at least 1, not " + segments);
		if (!(compactness > 0) || !Double.isFinite(compactness)) {
			throw new ExplainException("compactness must be a positive number (" + DEFAULT_COMPACTNESS + " follows cells; larger gives squarer superpixels), not " + compactness);
		}
		this.segments = segments;
		this.compactness = compactness;
	}

	/**
	 * @param pixels raw values, channel-major [C, H, W]
	 * @return a superpixel label for every pixel, [H * W] row-major
	 */
	public int[] segment(final float[] pixels, final int channels, final int w, final int h) {
		final int n = w * h;
		final float[] img = normalized(pixels);

		final double step = Math.sqrt(n / (double) Math.min(segments, n));
		final int nx = Math.max(1, (int) Math.round(w / step)), ny = Math.max(1, (int) Math.round(h / step));
		final int k = nx * ny;
		final double[] cx = new double[k], cy = new double[k], cc = new double[k * channels];
		for (int j = 0; j < ny; j++) {
			for (int i = 0; i < nx; i++) {
				final int c = j * nx + i;
				cx[c] = (i + 0.5) * w / nx - 0.5;
				cy[c] = (j + 0.5) * h / ny - 0.5;
				final int p = (int) Math.round(cy[c]) * w + (int) Math.round(cx[c]);
				for (int ch = 0; ch < channels; ch++) cc[c * channels + ch] = img[ch * n + p];
			}
		}
		final int[] label = new int[n];
		final double[] dist = new double[n];
		final double spatial = compactness * compactness / (step * step);
		final int reach = (int) Math.ceil(2 * step);
		final double[] sx = new double[k], sy = new double[k], sc = new double[k * channels];
		final int[] size = new int[k];
		for (int it = 0; it < ITERATIONS; it++) {
			Arrays.fill(dist, Double.POSITIVE_INFINITY);
			for (int c = 0; c < k; c++) {
				final int x0 = Math.max(0, (int) Math.floor(cx[c] - reach)), x1 = Math.min(w - 1, (int) Math.ceil(cx[c] + reach));
				final int y0 = Math.max(0, (int) Math.floor(cy[c] - reach)), y1 = Math.min(h - 1, (int) Math.ceil(cy[c] + reach));
				for (int y = y0; y <= y1; y++) {
					for (int x = x0; x <= x1; x++) {
						final int p = y * w + x;
						double d = 0;
						for (int ch = 0; ch < channels; ch++) {
							final double dc = img[ch * n + p] - cc[c * channels + ch];
							d += dc * dc;
						}
						d += ((x - cx[c]) * (x - cx[c]) + (y - cy[c]) * (y - cy[c])) * spatial;
						if (d < dist[p]) {
							dist[p] = d;
							label[p] = c;
						}
					}
				}
			}
			Arrays.fill(sx, 0);
			Arrays.fill(sy, 0);
			Arrays.fill(sc, 0);
			Arrays.fill(size, 0);
			for (int p = 0; p < n; p++) {
				final int c = label[p];
				sx[c] += p % w;
				sy[c] += p / w;
				for (int ch = 0; ch < channels; ch++) sc[c * channels + ch] += img[ch * n + p];
				size[c]++;
			}
			for (int c = 0; c < k; c++) {
				if (size[c] == 0) continue;
				cx[c] = sx[c] / size[c];
				cy[c] = sy[c] / size[c];
				for (int ch = 0; ch < channels; ch++) cc[c * channels + ch] = sc[c * channels + ch] / size[c];
			}
		}
		return connected(label, w, h, Math.max(1, (int) (step * step / 4)));
	}

	/**
	 * Intensities rescaled so that the {@link #LOW_PERCENTILE}th percentile (over all channels) is 0 and the
	 * {@link #HIGH_PERCENTILE}th is 1, clipped to [0, 1] (the minimum and maximum if those percentiles are
	 * equal). A few hot pixels of a 16-bit camera then do not squeeze the cells into a sliver of the
	 * range, and 8-bit and 16-bit images of the same scene are segmented alike.
	 */
	static float[] normalized(final float[] pixels) {
		final float[] sorted = pixels.clone();
		Arrays.sort(sorted);
		double lo = percentile(sorted, LOW_PERCENTILE), hi = percentile(sorted, HIGH_PERCENTILE);
		if (!(hi > lo)) {
			lo = sorted[0];
			hi = sorted[sorted.length - 1];
		}
		final double range = hi > lo ? hi - lo : 1;
		final float[] img = new float[pixels.length];
		for (int i = 0; i < img.length; i++) img[i] = (float) Math.max(0, Math.min(1, (pixels[i] - lo) / range));
		return img;
	}

	/** numpy's linear-interpolation percentile of sorted values. */
	private static double percentile(final float[] sorted, final double q) {
		final double pos = q / 100 * (sorted.length - 1);
		final int i = (int) Math.floor(pos);
		final double f = pos - i;
		return i + 1 < sorted.length ? (1 - f) * sorted[i] + f * sorted[i + 1] : sorted[i];
	}

	/** Relabels 4-connected pieces; pieces under {@code minSize} pixels join a neighbouring superpixel. */
	static int[] connected(final int[] label, final int w, final int h, final int minSize) {
		final int n = w * h;
		final int[] out = new int[n];
		Arrays.fill(out, -1);
		final int[] queue = new int[n];
		int next = 0;
		for (int start = 0; start < n; start++) {
			if (out[start] >= 0) continue;
			// a neighbour labelled before (left or above), to merge a small piece into
			int adjacent = -1;
			if (start % w > 0 && out[start - 1] >= 0) adjacent = out[start - 1];
			else if (start >= w && out[start - w] >= 0) adjacent = out[start - w];
			int head = 0, tail = 0;
			queue[tail++] = start;
			out[start] = next;
			while (head < tail) {
				final int p = queue[head++];
				final int x = p % w, y = p / w;
				final int[] nb = { x > 0 ? p - 1 : -1, x < w - 1 ? p + 1 : -1, y > 0 ? p - w : -1, y < h - 1 ? p + w : -1 };
				for (final int q : nb) {
					if (q >= 0 && out[q] < 0 && label[q] == label[start]) {
						out[q] = next;
						queue[tail++] = q;
					}
					else if (q >= 0 && adjacent < 0 && out[q] >= 0 && out[q] != next) {
						adjacent = out[q];
					}
				}
			}
			if (tail < minSize && adjacent >= 0) {
				for (int i = 0; i < tail; i++) out[queue[i]] = adjacent;
			}
			else {
				next++;
			}
		}
		return out;
	}

	/** The number of superpixels in a labelling (labels 0 .. count-1). */
	public static int count(final int[] labels) {
		int max = -1;
		for (final int l : labels) max = Math.max(max, l);
		return max + 1;
	}

	public int segments() { return segments; }

	public double compactness() { return compactness; }
}
