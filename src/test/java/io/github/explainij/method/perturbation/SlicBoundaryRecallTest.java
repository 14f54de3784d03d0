package io.github.explainij.method.perturbation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.IJ;
import ij.ImagePlus;

import io.github.explainij.TestData;
import io.github.explainij.image.ImagePlusAdapter;

import java.util.Locale;

import org.junit.jupiter.api.Test;

/**
 * LIME's default superpixels follow the cells: on the sample images, the SLIC boundaries pass along the
 * outlines of the ground-truth evidence masks far more often than the boundaries of a regular grid with
 * the same number of cells do (boundary recall, Achanta et al.'s measure, with a 1-pixel tolerance).
 */
class SlicBoundaryRecallTest {

	static final String[] CLASSES = { "interphase", "mitotic", "apoptotic", "foci" };

	/** Mask outline: mask pixels with a 4-neighbour outside the mask. */
	static boolean[] outline(final boolean[] mask, final int w, final int h) {
		final boolean[] o = new boolean[w * h];
		for (int y = 0; y < h; y++) {
			for (int x = 0; x < w; x++) {
				final int p = y * w + x;
				if (!mask[p]) continue;
				o[p] = x > 0 && !mask[p - 1] || x < w - 1 && !mask[p + 1] || y > 0 && !mask[p - w] || y < h - 1 && !mask[p + w];
			}
		}
		return o;
	}

	/** Superpixel boundary: pixels with a 4-neighbour of another label. */
	static boolean[] boundaries(final int[] labels, final int w, final int h) {
		final boolean[] b = new boolean[w * h];
		for (int y = 0; y < h; y++) {
			for (int x = 0; x < w; x++) {
				final int p = y * w + x, l = labels[p];
				b[p] = x > 0 && labels[p - 1] != l || x < w - 1 && labels[p + 1] != l || y > 0 && labels[p - w] != l ||
					y < h - 1 && labels[p + w] != l;
			}
		}
		return b;
	}

	/** Share of outline pixels with a superpixel boundary pixel within {@code tolerance} (Chebyshev distance). */
	static double recall(final boolean[] outline, final boolean[] boundary, final int w, final int h, final int tolerance) {
		int total = 0, hit = 0;
		for (int y = 0; y < h; y++) {
			for (int x = 0; x < w; x++) {
				if (!outline[y * w + x]) continue;
				total++;
				search:
				for (int dy = -tolerance; dy <= tolerance; dy++) {
					for (int dx = -tolerance; dx <= tolerance; dx++) {
						final int xx = x + dx, yy = y + dy;
						if (xx >= 0 && yy >= 0 && xx < w && yy < h && boundary[yy * w + xx]) {
							hit++;
							break search;
						}
					}
				}
			}
		}
		return total == 0 ? 1 : hit / (double) total;
	}

	/** A regular grid of about {@code count} rectangles (as many columns as rows for a square image). */
	static int[] grid(final int count, final int w, final int h) {
		final int nx = Math.max(1, (int) Math.round(Math.sqrt(count * (double) w / h))), ny = Math.max(1, (int) Math.round(count / (double) nx));
		final int[] labels = new int[w * h];
		for (int y = 0; y < h; y++) {
			for (int x = 0; x < w; x++) labels[y * w + x] = (y * ny / h) * nx + x * nx / w;
		}
		return labels;
	}

	/** {mean SLIC recall, mean grid recall} over the 12 images per class of {@code cells}. */
	static double[] recalls(final Slic slic, final String variant) {
		double slicRecall = 0, gridRecall = 0;
		int n = 0;
		for (final String cls : CLASSES) {
			for (int i = 0; i < 12; i++) {
				final String name = String.format(Locale.ROOT, "%s_%03d", cls, i);
				final ImagePlus image = TestData.openSample("cells", name);
				final int w = image.getWidth(), h = image.getHeight();
				if (variant.equals("8-bit")) {
					image.resetDisplayRange();
					image.setProcessor(image.getProcessor().convertToByte(true));
				}
				else if (variant.equals("hot pixels")) {
					// a few saturated camera pixels far from the cells' intensities
					for (final int p : new int[] { 0, w - 1, w * h / 2 + 5, w * h - 1 }) image.getProcessor().set(p, 65535);
				}
				final float[] pixels = ImagePlusAdapter.toChw(ImagePlusAdapter.currentPlanes(image));
				final ImagePlus maskImage = IJ.openImage(TestData.repo().resolve("sample-data/cells/masks/" + name + ".tif").toString());
				final boolean[] mask = new boolean[w * h];
				for (int p = 0; p < mask.length; p++) mask[p] = maskImage.getProcessor().get(p) > 0;
				final boolean[] outline = outline(mask, w, h);
				final int[] labels = slic.segment(pixels, 1, w, h);
				slicRecall += recall(outline, boundaries(labels, w, h), w, h, 1);
				gridRecall += recall(outline, boundaries(grid(Slic.count(labels), w, h), w, h), w, h, 1);
				n++;
			}
		}
		return new double[] { slicRecall / n, gridRecall / n };
	}

	/**
	 * With LIME's defaults (50 superpixels, compactness 0.5) the recall is about 0.92 on the 16-bit
	 * images, on 8-bit copies and with hot pixels, against about 0.68 for a grid; the old default
	 * (compactness 10) gave a near-grid, 0.65.
	 */
	@Test
	void defaultSuperpixelsFollowTheEvidenceOutlines() {
		final Slic defaults = new Slic(Slic.DEFAULT_SEGMENTS, Slic.DEFAULT_COMPACTNESS);
		for (final String variant : new String[] { "16-bit", "8-bit", "hot pixels" }) {
			final double[] r = recalls(defaults, variant);
			assertTrue(r[0] >= 0.88, variant + ": SLIC boundary recall " + r[0]);
			assertTrue(r[0] >= r[1] + 0.18, variant + ": SLIC recall " + r[0] + " vs grid " + r[1]);
		}
		// the measure tells them apart: very compact SLIC is a grid, with a grid's recall
		final double[] square = recalls(new Slic(Slic.DEFAULT_SEGMENTS, 10), "16-bit");
		assertTrue(Math.abs(square[0] - square[1]) < 0.05, "compactness 10: " + square[0] + " vs grid " + square[1]);
	}

	@Test
	void gridAndRecallOnAHandMadeCase() {
		// a 4x4 grid of 16x16 blocks on 64x64; an outline along x = 16 (a boundary column) is found exactly
		final int[] g = grid(16, 64, 64);
		assertEquals(16, Slic.count(g));
		final boolean[] onEdge = new boolean[64 * 64], offEdge = new boolean[64 * 64];
		for (int y = 0; y < 64; y++) {
			onEdge[y * 64 + 16] = true;
			offEdge[y * 64 + 8] = true;
		}
		final boolean[] b = boundaries(g, 64, 64);
		assertEquals(1.0, recall(onEdge, b, 64, 64, 0), 0);
		// x = 8 is 7 pixels from any vertical boundary; within 1 pixel of the horizontal boundaries
		// (rows 15|16, 31|32, 47|48) are rows 14-17, 30-33 and 46-49: 12 of 64
		assertEquals(12 / 64.0, recall(offEdge, b, 64, 64, 1), 0);
		assertEquals(6 / 64.0, recall(offEdge, b, 64, 64, 0), 0);
	}
}
