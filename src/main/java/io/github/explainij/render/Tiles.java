package io.github.explainij.render;

import ij.ImagePlus;
import ij.ImageStack;
import ij.plugin.MontageMaker;
import ij.process.ColorProcessor;
import ij.process.ImageProcessor;

import io.github.explainij.model.Normalization;

import java.util.Arrays;
import java.util.List;

/**
 * Small RGB pictures of folder images for montages (the best units of a dissection, the most helpful and
 * harmful training images): the image in grey, a tinted area, an outline, a coloured frame.
 */
public final class Tiles {

	private Tiles() {}

	/** Percentiles of the grey scale: black at the 1st, white at the 99.8th (dim cells stay visible beside bright spots). */
	static final double LOW = 1, HIGH = 99.8;

	/** The image in grey: the mean of its channels, from its {@link #LOW} percentile (black) to its {@link #HIGH} percentile (white). */
	public static ColorProcessor grey(final float[][] planes, final int width, final int height) {
		final int n = width * height;
		final double[] v = new double[n];
		for (final float[] p : planes) {
			for (int i = 0; i < n; i++) v[i] += p[i] / (double) planes.length;
		}
		final float[] sorted = new float[n];
		for (int i = 0; i < n; i++) sorted[i] = (float) v[i];
		Arrays.sort(sorted);
		final double min = Normalization.percentileOfSorted(sorted, LOW), max = Normalization.percentileOfSorted(sorted, HIGH);
		final int[] rgb = new int[n];
		for (int i = 0; i < n; i++) {
			final int g = max > min ? (int) Math.round(255 * Math.min(1, Math.max(0, (v[i] - min) / (max - min)))) : 0;
			rgb[i] = g << 16 | g << 8 | g;
		}
		return new ColorProcessor(width, height, rgb);
	}

	/** Mixes {@code colour} (0xRRGGBB) into the pixels where {@code where} holds, with weight {@code alpha}. */
	public static void tint(final ColorProcessor cp, final boolean[] where, final int colour, final double alpha) {
		final int[] px = (int[]) cp.getPixels();
		for (int i = 0; i < px.length; i++) {
			if (!where[i]) continue;
			int out = 0;
			for (int shift = 16; shift >= 0; shift -= 8) {
				final int a = px[i] >> shift & 0xff, b = colour >> shift & 0xff;
				out |= (int) Math.round((1 - alpha) * a + alpha * b) << shift;
			}
			px[i] = out;
		}
	}

	/** Draws the border of a mask (its pixels with a 4-neighbour outside it) in {@code colour}. */
	public static void outline(final ColorProcessor cp, final boolean[] mask, final int colour) {
		final int w = cp.getWidth(), h = cp.getHeight();
		final int[] px = (int[]) cp.getPixels();
		for (int y = 0; y < h; y++) {
			for (int x = 0; x < w; x++) {
				if (!mask[y * w + x]) continue;
				final boolean edge = x == 0 || y == 0 || x == w - 1 || y == h - 1 || !mask[y * w + x - 1] || !mask[y * w + x + 1] ||
					!mask[(y - 1) * w + x] || !mask[(y + 1) * w + x];
				if (edge) px[y * w + x] = colour;
			}
		}
	}

	/** Draws a frame {@code thickness} pixels wide inside the tile's edge. */
	public static void frame(final ColorProcessor cp, final int colour, final int thickness) {
		final int w = cp.getWidth(), h = cp.getHeight();
		for (int y = 0; y < h; y++) {
			for (int x = 0; x < w; x++) {
				if (x < thickness || y < thickness || x >= w - thickness || y >= h - thickness) cp.set(x, y, colour);
			}
		}
	}

	/**
	 * The tiles side by side, in rows of {@code columns} (tiles of another size are resized to the first's),
	 * with a one-pixel border between them (ImageJ's Make Montage).
	 *
	 * @param labels one label per tile (the slice labels of the stack the montage is made from)
	 * @return the montage, an RGB image
	 */
	public static ImagePlus montage(final String title, final List<ColorProcessor> tiles, final List<String> labels, final int columns) {
		final int w = tiles.get(0).getWidth(), h = tiles.get(0).getHeight();
		final ImageStack stack = new ImageStack(w, h);
		for (int i = 0; i < tiles.size(); i++) {
			final ImageProcessor t = tiles.get(i).getWidth() == w && tiles.get(i).getHeight() == h ? tiles.get(i) : tiles.get(i).resize(w, h);
			stack.addSlice(labels.get(i), t);
		}
		final ImagePlus all = new ImagePlus(title, stack);
		final int cols = Math.max(1, Math.min(columns, tiles.size()));
		final int rows = (tiles.size() + cols - 1) / cols;
		final ImagePlus m = new MontageMaker().makeMontage2(all, cols, rows, 1.0, 1, tiles.size(), 1, 1, false);
		m.setTitle(title);
		return m;
	}
}
