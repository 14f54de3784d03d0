package io.github.explainij.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import ij.gui.Overlay;
import ij.process.ByteProcessor;
import ij.process.LUT;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** Colour maps, overlay transparency, and the display bound (the 99.5th percentile of |value|, as sorting gives it). */
class HeatmapTest {

	@Test
	void selectionEqualsSorting() {
		final Random random = new Random(3);
		for (final int n : new int[] { 1, 2, 3, 7, 200, 4096, 10_001 }) {
			for (int trial = 0; trial < 5; trial++) {
				final float[] v = new float[n];
				// ties and repeated values on purpose: quantized Gaussian values, some exact zeros
				for (int i = 0; i < n; i++) v[i] = trial == 0 ? 0 : Math.round(random.nextGaussian() * 8) / 4f;
				final float[] sorted = v.clone();
				Arrays.sort(sorted);
				for (int k = 0; k < n; k += Math.max(1, n / 17)) {
					assertEquals(sorted[k], Heatmap.kthSmallest(v.clone(), k), 0, "n=" + n + " k=" + k);
				}
			}
		}
	}

	@Test
	void displayBoundIsThe995thPercentileOfMagnitudes() {
		final float[] v = new float[1000];
		for (int i = 0; i < v.length; i++) v[i] = (i % 2 == 0 ? -1 : 1) * i; // |v| = 0..999
		// index floor(0.995 * 999) = 994 of the sorted magnitudes
		assertEquals(994, Heatmap.displayBound(v), 0);
		// an all-zero map falls back to 1, a map whose percentile is zero to its max
		assertEquals(1, Heatmap.displayBound(new float[10]), 0);
		final float[] spike = new float[1000];
		spike[7] = -5;
		assertEquals(5, Heatmap.displayBound(spike), 0);
	}

	/** Relative luminance (Rec. 709 weights on linearized sRGB). */
	static double luminance(final int r, final int g, final int b) {
		return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
	}

	private static double linear(final int c) {
		final double v = c / 255.0;
		return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
	}

	@Test
	void sequentialLutRisesInLuminanceAndEndsInAColourNotWhite() {
		final LUT lut = Heatmap.sequentialLut();
		double previous = -1;
		for (int i = 0; i < 256; i++) {
			final double l = luminance(lut.getRed(i) & 0xff, lut.getGreen(i) & 0xff, lut.getBlue(i) & 0xff);
			assertTrue(l >= previous, "luminance falls at " + i);
			previous = l;
		}
		assertEquals(0, luminance(lut.getRed(0) & 0xff, lut.getGreen(0) & 0xff, lut.getBlue(0) & 0xff), 1e-3); // black
		// the top is inferno at 0.85, (251, 190, 35): a saturated amber, far from white and from any grey
		final int r = lut.getRed(255) & 0xff, g = lut.getGreen(255) & 0xff, b = lut.getBlue(255) & 0xff;
		assertEquals(251, r);
		assertEquals(190, g);
		assertEquals(35, b);
		assertTrue(Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b)) >= 200, "chroma of the top colour");
		assertTrue(luminance(r, g, b) < 0.6, "the top is darker than a bright nucleus");
	}

	@Test
	void overlaysAreTransparentNearZeroAndOpaqueWhereStrong() {
		// bound 1 (the 99.5th percentile of |value| of these 200 values is 1)
		final float[] v = new float[200];
		java.util.Arrays.fill(v, 1f);
		v[0] = 0;
		v[1] = 0.05f;
		v[2] = -0.09f;
		v[3] = 0.3f;
		v[4] = -0.3f;
		v[5] = 0.6f;
		v[6] = -2f;
		assertEquals(1, Heatmap.displayBound(v), 0);
		final int[] signed = (int[]) Heatmap.colorize(v, 20, 10, true).getPixels();
		for (int i = 0; i < 3; i++) assertEquals(0, signed[i] >>> 24, "alpha at " + v[i]);
		assertEquals(102, signed[3] >>> 24); // (0.3 - 0.1) / (0.6 - 0.1) of 255
		assertEquals(102, signed[4] >>> 24);
		assertEquals(255, signed[5] >>> 24);
		assertEquals(255, signed[6] >>> 24);
		// the colour is a saturated red or blue at every strength: only the opacity says how strong
		assertEquals(Heatmap.POSITIVE, signed[3] & 0xffffff);
		assertEquals(Heatmap.POSITIVE, signed[5] & 0xffffff);
		assertEquals(Heatmap.NEGATIVE, signed[4] & 0xffffff);
		assertEquals(Heatmap.NEGATIVE, signed[6] & 0xffffff);
		// non-negative maps: transparent near zero too, inferno's colour at the value
		final int[] seq = (int[]) Heatmap.colorize(v, 20, 10, false).getPixels();
		assertEquals(0, seq[0] >>> 24);
		assertEquals(0, seq[1] >>> 24);
		assertEquals(0, seq[6] >>> 24); // negative values do not occur in these maps; they are not shown
		assertEquals(255, seq[5] >>> 24);
		final LUT lut = Heatmap.sequentialLut();
		assertEquals((lut.getRed(255) & 0xff) << 16 | (lut.getGreen(255) & 0xff) << 8 | lut.getBlue(255) & 0xff, seq[10] & 0xffffff);
	}

	@Test
	void overlayOnTheImageKeepsItsTransparencyWhenCopied() {
		final ImagePlus image = new ImagePlus("cells", new ByteProcessor(20, 10));
		final float[] v = new float[200];
		for (int i = 0; i < v.length; i++) v[i] = i % 20 < 10 ? 0 : 5;
		Heatmap.addOverlay(image, v, false, "Saliency Map", 0.8);
		Heatmap.addOverlay(image, v, false, "Saliency Map", 0.8); // replaces, does not stack
		final Overlay overlay = image.getOverlay();
		assertEquals(1, overlay.size());
		final HeatmapRoi roi = (HeatmapRoi) overlay.get(0);
		assertEquals(5, roi.bound(), 0);
		final HeatmapRoi copy = (HeatmapRoi) overlay.duplicate().get(0);
		assertNotSame(roi, copy);
		assertEquals(0.8, copy.getOpacity(), 1e-6);
		final int[] a = roi.argb(), b = copy.argb();
		assertEquals(0, b[0] >>> 24);
		assertEquals(255, b[15] >>> 24);
		assertEquals(java.util.Arrays.toString(a), java.util.Arrays.toString(b));
		// flattened: the cells (black here) show unchanged where the map is zero, coloured where it is strong
		final int[] flat = (int[]) Heatmap.flatten(image).getProcessor().getPixels();
		assertEquals(0, flat[0] & 0xffffff);
		assertTrue((flat[15] >> 16 & 0xff) > 150, "red channel where strong: " + Integer.toHexString(flat[15]));
	}

	@Test
	void savedWithTheImageTheOverlayStaysClearWhereTheMapIsZero(@org.junit.jupiter.api.io.TempDir final java.nio.file.Path tmp) {
		final ImagePlus image = new ImagePlus("cells", new ByteProcessor(20, 10));
		final float[] v = new float[200];
		for (int i = 0; i < v.length; i++) v[i] = i % 20 < 10 ? 0 : 5;
		Heatmap.addOverlay(image, v, false, "Saliency Map", 0.8);
		final String file = tmp.resolve("cells.tif").toString();
		assertTrue(new ij.io.FileSaver(image).saveAsTiff(file));
		final ImagePlus back = ij.IJ.openImage(file);
		final ij.gui.ImageRoi roi = (ij.gui.ImageRoi) back.getOverlay().get(0);
		assertTrue(roi.getZeroTransparent());
		assertEquals(0.8, roi.getOpacity(), 0.01);
		// ImageJ's file keeps RGB only: the zero half is black, shown transparent; the strong half keeps its colour
		final int[] px = (int[]) roi.getProcessor().getPixels();
		assertEquals(0, px[0] & 0xffffff);
		final LUT lut = Heatmap.sequentialLut();
		assertEquals((lut.getRed(255) & 0xff) << 16 | (lut.getGreen(255) & 0xff) << 8 | lut.getBlue(255) & 0xff, px[15] & 0xffffff);
		assertEquals(0, Heatmap.flatten(back).getProcessor().get(0) & 0xffffff); // the black cells show through
	}
}
