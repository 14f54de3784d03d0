package io.github.explainij.evaluate;

import java.util.Arrays;
import java.util.Random;

/**
 * Orders in which pixels are removed or counted: by attribution, highest first, ties by pixel index
 * (row-major, stable, as NumPy's {@code argsort(-map, kind="stable")}); by superpixel, the superpixels
 * by their mean attribution (ties by label), each superpixel's pixels by index; or at random (seeded).
 */
public final class PixelOrder {

	private PixelOrder() {}

	/** Pixel indices by attribution, highest first, ties by index. */
	public static int[] byAttribution(final float[] map) {
		return descending(map.length, i -> map[i]);
	}

	/**
	 * Pixel indices grouped by superpixel: superpixels by mean attribution, highest first (ties by label),
	 * each superpixel's pixels in index order.
	 *
	 * @param labels a superpixel label 0..S-1 for every pixel
	 */
	public static int[] bySuperpixels(final float[] map, final int[] labels) {
		final int s = segments(labels);
		final double[] sum = new double[s];
		final int[] size = new int[s];
		for (int i = 0; i < map.length; i++) {
			sum[labels[i]] += map[i];
			size[labels[i]]++;
		}
		final double[] mean = new double[s];
		for (int k = 0; k < s; k++) mean[k] = size[k] == 0 ? Double.NEGATIVE_INFINITY : sum[k] / size[k];
		return expand(descending(s, k -> mean[k]), labels, s);
	}

	/** A random order of the pixels (Fisher-Yates, as {@code Collections.shuffle} with this generator). */
	public static int[] random(final int n, final Random random) {
		final int[] order = new int[n];
		for (int i = 0; i < n; i++) order[i] = i;
		shuffle(order, random);
		return order;
	}

	/** A random order of the superpixels, each superpixel's pixels in index order. */
	public static int[] randomSuperpixels(final int[] labels, final Random random) {
		final int s = segments(labels);
		final int[] order = new int[s];
		for (int k = 0; k < s; k++) order[k] = k;
		shuffle(order, random);
		return expand(order, labels, s);
	}

	private static void shuffle(final int[] a, final Random random) {
		for (int i = a.length; i > 1; i--) {
			final int j = random.nextInt(i);
			final int t = a[i - 1];
			a[i - 1] = a[j];
			a[j] = t;
		}
	}

	private static int segments(final int[] labels) {
		int s = 0;
		for (final int l : labels) s = Math.max(s, l + 1);
		return s;
	}

	/** Pixel indices, superpixel after superpixel in the given order. */
	private static int[] expand(final int[] segmentOrder, final int[] labels, final int s) {
		final int[] start = new int[s + 1];
		for (final int l : labels) start[l + 1]++;
		for (int k = 0; k < s; k++) start[k + 1] += start[k];
		final int[] byLabel = new int[labels.length];
		final int[] fill = Arrays.copyOf(start, s);
		for (int i = 0; i < labels.length; i++) byLabel[fill[labels[i]]++] = i;
		final int[] out = new int[labels.length];
		int o = 0;
		for (final int k : segmentOrder) {
			for (int p = start[k]; p < start[k + 1]; p++) out[o++] = byLabel[p];
		}
		return out;
	}

	/** Indices 0..n-1 by value, highest first, ties by index (-0 equals 0). */
	private static int[] descending(final int n, final java.util.function.IntToDoubleFunction value) {
		final Integer[] idx = new Integer[n];
		for (int i = 0; i < n; i++) idx[i] = i;
		Arrays.sort(idx, (i, j) -> Double.compare(value.applyAsDouble(j) + 0.0, value.applyAsDouble(i) + 0.0)); // stable
		final int[] out = new int[n];
		for (int i = 0; i < n; i++) out[i] = idx[i];
		return out;
	}
}
