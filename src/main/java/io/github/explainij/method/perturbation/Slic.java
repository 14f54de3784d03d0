package io.github.explainij.method.perturbation;

import io.github.explainij.ExplainException;

import java.util.Arrays;

/**
 * SLIC superpixels (Achanta et al., <i>SLIC Superpixels Compared to State-of-the-Art Superpixel
 * Methods</i>, TPAMI 2012), the segmentation LIME explains with.
 * <ul>
 * <li>Intensities are first rescaled to [0, 1] with the image's minimum and maximum over all channels
 * (what scikit-image's {@code slic} does with a float image), so {@code compactness} means the same
 * for 8-bit, 16-bit and 32-bit images.</li>
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

	/** Assignment / update rounds (Achanta et al. report that 10 suffice for most images). */
	public static final int ITERATIONS = 10;

	private final int segments;
	private final double compactness;

	public Slic(final int segments, final double compactness) {
		if (segments < 1) throw new ExplainException("segments must be at least 1, not " + segments);
		if (!(compactness > 0) || !Double.isFinite(compactness)) {
			throw new ExplainException("compactness must be a positive number (10 is usual; larger gives squarer superpixels), not " + compactness);
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
		float min = Float.POSITIVE_INFINITY, max = Float.NEGATIVE_INFINITY;
		for (final float v : pixels) {
			min = Math.min(min, v);
			max = Math.max(max, v);
		}
		final double range = max > min ? max - min : 1;
		final float[] img = new float[pixels.length];
		for (int i = 0; i < img.length; i++) img[i] = (float) ((pixels[i] - min) / range);

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
