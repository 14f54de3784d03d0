package io.github.explainij.evaluate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Interpretable numbers about an image, for a surrogate decision tree: intensity statistics, texture,
 * and the shape of the objects above an Otsu threshold. Each is named in plain words. Definitions
 * (float64 arithmetic on the raw values; the NumPy reference in make_eval_audit_fixtures.py computes the
 * same):
 * <ul>
 * <li>mean intensity, intensity standard deviation (population: divided by N), minimum and maximum
 * intensity, 10th / 50th (median) / 90th percentile intensity (linear interpolation between the sorted
 * values, as NumPy's default);</li>
 * <li>mean gradient magnitude: sqrt(gx^2 + gy^2) averaged over all pixels, with central differences
 * inside and one-sided differences at the border (NumPy's {@code gradient});</li>
 * <li>Laplacian variance: the variance of the 4-neighbour Laplacian over the pixels not on the border
 * (sharpness, fine texture);</li>
 * <li>GLCM contrast: grey levels quantized to 8 equal steps between the image's minimum and maximum;
 * over every pair of horizontal neighbours, the mean of (level difference)^2 (Haralick's contrast of
 * the co-occurrence matrix at offset (0, 1), not symmetrized);</li>
 * <li>Otsu threshold: scikit-image's {@code threshold_otsu} on the float values (256 equal bins from
 * the minimum to the maximum; the centre of the bin that maximizes the between-class variance);</li>
 * <li>objects: the pixels above the threshold, in 8-connected groups: object count, mean object area and
 * largest object area (pixels), and mean object circularity 4 pi area / perimeter^2, the perimeter
 * being the number of pixel edges between an object and the rest (or the image border); a disk scores
 * about pi/4 by this perimeter, a line much less. Without objects, these are 0.</li>
 * </ul>
 * Multi-channel images get every feature per channel ("channel 2 mean intensity").
 */
public final class ImageFeatures {

	/** The features of one channel, in order. */
	public static final List<String> NAMES = List.of("mean intensity", "intensity standard deviation", "minimum intensity",
		"maximum intensity", "10th percentile intensity", "median intensity", "90th percentile intensity", "mean gradient magnitude",
		"Laplacian variance", "GLCM contrast", "Otsu threshold", "object count", "mean object area", "largest object area",
		"mean object circularity");

	/** Grey levels of the co-occurrence matrix. */
	static final int GLCM_LEVELS = 8;

	/** Bins of the Otsu histogram. */
	static final int OTSU_BINS = 256;

	private ImageFeatures() {}

	/** The feature names of an image with this many channels. */
	public static List<String> names(final int channels) {
		if (channels == 1) return NAMES;
		final List<String> out = new ArrayList<>();
		for (int c = 1; c <= channels; c++) {
			for (final String n : NAMES) out.add("channel " + c + " " + n);
		}
		return out;
	}

	/** Every feature of every channel, in the order of {@link #names(int)}. */
	public static double[] of(final float[][] planes, final int width, final int height) {
		final double[] out = new double[planes.length * NAMES.size()];
		for (int c = 0; c < planes.length; c++) System.arraycopy(ofPlane(planes[c], width, height), 0, out, c * NAMES.size(), NAMES.size());
		return out;
	}

	/** The features of one channel (row-major values). */
	static double[] ofPlane(final float[] v, final int width, final int height) {
		final int n = v.length;
		final double[] sorted = new double[n];
		for (int i = 0; i < n; i++) sorted[i] = v[i];
		Arrays.sort(sorted);
		double sum = 0;
		for (final float x : v) sum += x;
		final double mean = sum / n;
		double squares = 0;
		for (final float x : v) squares += (x - mean) * (x - mean);
		final double threshold = otsuThreshold(v);
		final double[] objects = objects(v, width, height, threshold);
		return new double[] { mean, Math.sqrt(squares / n), sorted[0], sorted[n - 1], percentile(sorted, 10), percentile(sorted, 50),
			percentile(sorted, 90), meanGradient(v, width, height), laplacianVariance(v, width, height), glcmContrast(v, width, height, sorted[0],
				sorted[n - 1]), threshold, objects[0], objects[1], objects[2], objects[3] };
	}

	/** NumPy's default (linear) percentile of sorted values. */
	static double percentile(final double[] sorted, final double q) {
		final double pos = q / 100 * (sorted.length - 1);
		final int lo = (int) Math.floor(pos);
		if (lo >= sorted.length - 1) return sorted[sorted.length - 1];
		return sorted[lo] + (pos - lo) * (sorted[lo + 1] - sorted[lo]);
	}

	private static double at(final float[] v, final int width, final int x, final int y) {
		return v[y * width + x];
	}

	static double meanGradient(final float[] v, final int width, final int height) {
		double sum = 0;
		for (int y = 0; y < height; y++) {
			for (int x = 0; x < width; x++) {
				final double gx = width < 2 ? 0 : x == 0 ? at(v, width, 1, y) - at(v, width, 0, y)
					: x == width - 1 ? at(v, width, x, y) - at(v, width, x - 1, y) : (at(v, width, x + 1, y) - at(v, width, x - 1, y)) / 2;
				final double gy = height < 2 ? 0 : y == 0 ? at(v, width, x, 1) - at(v, width, x, 0)
					: y == height - 1 ? at(v, width, x, y) - at(v, width, x, y - 1) : (at(v, width, x, y + 1) - at(v, width, x, y - 1)) / 2;
				sum += Math.sqrt(gx * gx + gy * gy);
			}
		}
		return sum / v.length;
	}

	static double laplacianVariance(final float[] v, final int width, final int height) {
		if (width < 3 || height < 3) return 0;
		final int n = (width - 2) * (height - 2);
		final double[] l = new double[n];
		int i = 0;
		double sum = 0;
		for (int y = 1; y < height - 1; y++) {
			for (int x = 1; x < width - 1; x++) {
				l[i] = at(v, width, x - 1, y) + at(v, width, x + 1, y) + at(v, width, x, y - 1) + at(v, width, x, y + 1) - 4 * at(v, width, x, y);
				sum += l[i++];
			}
		}
		final double mean = sum / n;
		double squares = 0;
		for (final double x : l) squares += (x - mean) * (x - mean);
		return squares / n;
	}

	static double glcmContrast(final float[] v, final int width, final int height, final double min, final double max) {
		if (width < 2 || max <= min) return 0;
		double sum = 0;
		for (int y = 0; y < height; y++) {
			for (int x = 0; x + 1 < width; x++) {
				final int a = level(at(v, width, x, y), min, max), b = level(at(v, width, x + 1, y), min, max);
				sum += (a - b) * (a - b);
			}
		}
		return sum / ((double) (width - 1) * height);
	}

	private static int level(final double x, final double min, final double max) {
		return Math.min(GLCM_LEVELS - 1, (int) Math.floor(GLCM_LEVELS * (x - min) / (max - min)));
	}

	/** scikit-image's threshold_otsu on float values (NumPy's histogram binning, 256 bins over [min, max]). */
	static double otsuThreshold(final float[] v) {
		double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
		for (final float x : v) {
			min = Math.min(min, x);
			max = Math.max(max, x);
		}
		if (min == max) return min;
		final int bins = OTSU_BINS;
		final double[] edges = new double[bins + 1];
		final double step = (max - min) / bins;
		for (int i = 0; i < bins; i++) edges[i] = i * step + min;
		edges[bins] = max;
		final double[] hist = new double[bins];
		for (final float x : v) {
			int i = (int) ((x - min) / (max - min) * bins); // as NumPy, then corrected against the edges
			if (i == bins) i--;
			if (x < edges[i]) i--;
			else if (i != bins - 1 && x >= edges[i + 1]) i++;
			hist[i]++;
		}
		final double[] centres = new double[bins];
		for (int i = 0; i < bins; i++) centres[i] = (edges[i] + edges[i + 1]) / 2;
		final double[] weight1 = new double[bins], weight2 = new double[bins], mean1 = new double[bins], mean2 = new double[bins];
		double w = 0, m = 0;
		for (int i = 0; i < bins; i++) {
			w += hist[i];
			m += hist[i] * centres[i];
			weight1[i] = w;
			mean1[i] = m / w;
		}
		w = 0;
		m = 0;
		for (int i = bins - 1; i >= 0; i--) {
			w += hist[i];
			m += hist[i] * centres[i];
			weight2[i] = w;
			mean2[i] = m / w;
		}
		int best = 0;
		double bestVariance = Double.NEGATIVE_INFINITY;
		for (int i = 0; i < bins - 1; i++) {
			final double d = mean1[i] - mean2[i + 1];
			final double variance = weight1[i] * weight2[i + 1] * d * d;
			// no side is empty (the first bin holds the minimum, the last the maximum): no NaN; the first maximum wins, as argmax
			if (variance > bestVariance) {
				bestVariance = variance;
				best = i;
			}
		}
		return centres[best];
	}

	/** Object count, mean area, largest area and mean circularity of the 8-connected groups of pixels above the threshold. */
	static double[] objects(final float[] v, final int width, final int height, final double threshold) {
		final int[] label = new int[v.length];
		final int[] stack = new int[v.length];
		int count = 0;
		double areas = 0, largest = 0, circularity = 0;
		for (int start = 0; start < v.length; start++) {
			if (label[start] != 0 || !(v[start] > threshold)) continue;
			count++;
			int top = 0, area = 0, perimeter = 0;
			stack[top++] = start;
			label[start] = count;
			while (top > 0) {
				final int p = stack[--top];
				final int x = p % width, y = p / width;
				area++;
				for (int dy = -1; dy <= 1; dy++) {
					for (int dx = -1; dx <= 1; dx++) {
						if (dx == 0 && dy == 0) continue;
						final int nx = x + dx, ny = y + dy;
						final boolean inside = nx >= 0 && ny >= 0 && nx < width && ny < height;
						final boolean on = inside && v[ny * width + nx] > threshold;
						if (dx == 0 || dy == 0) {
							if (!on) perimeter++;
						}
						if (on && label[ny * width + nx] == 0) {
							label[ny * width + nx] = count;
							stack[top++] = ny * width + nx;
						}
					}
				}
			}
			areas += area;
			largest = Math.max(largest, area);
			circularity += 4 * Math.PI * area / ((double) perimeter * perimeter);
		}
		return count == 0 ? new double[4] : new double[] { count, areas / count, largest, circularity / count };
	}
}
