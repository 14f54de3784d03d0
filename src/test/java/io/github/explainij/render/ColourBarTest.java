package io.github.explainij.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import ij.gui.ImageRoi;
import ij.gui.Overlay;
import ij.gui.Roi;
import ij.gui.TextRoi;
import ij.process.FloatProcessor;
import ij.process.LUT;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Colour bars: their colours, their labels, and the overlay figure that the command line writes. */
class ColourBarTest {

	@Test
	void labelsHaveThreeSignificantDigits() {
		assertEquals("0", ColourBar.label(0));
		assertEquals("2.5", ColourBar.label(2.5));
		assertEquals("-1.04", ColourBar.label(-1.0384));
		assertEquals("0.123", ColourBar.label(0.12345));
		assertEquals("12.3", ColourBar.label(12.345));
		assertEquals("1235", ColourBar.label(1234.5));
		assertEquals("1.28e-4", ColourBar.label(1.2799e-4));
		assertEquals("6.4e-5", ColourBar.label(6.4e-5));
		assertEquals("2.5e4", ColourBar.label(25000));
		assertEquals("0.05", ColourBar.label(0.05));
	}

	private static List<Roi> bar(final ImagePlus image) {
		final List<Roi> items = new ArrayList<>();
		for (final Roi r : image.getOverlay()) if (ColourBar.NAME.equals(r.getName())) items.add(r);
		return items;
	}

	private static List<String> texts(final List<Roi> items) {
		final List<String> t = new ArrayList<>();
		for (final Roi r : items) if (r instanceof TextRoi) t.add(((TextRoi) r).getText().strip());
		return t;
	}

	@Test
	void signedBarOnAResultImage() {
		final ImagePlus small = new ImagePlus("map", new FloatProcessor(64, 64));
		ColourBar.addTo(small, true, 1.5);
		List<Roi> items = bar(small);
		// a white box, the strip and three labels (numbers only: the words do not fit a 64-pixel image)
		assertEquals(5, items.size());
		assertEquals(List.of("+1.5", "0", "-1.5"), texts(items));
		final ImageRoi strip = (ImageRoi) items.get(1);
		final int[] px = (int[]) strip.getProcessor().getPixels();
		final int w = strip.getProcessor().getWidth(), h = strip.getProcessor().getHeight();
		final LUT lut = Heatmap.divergingLut();
		assertEquals(rgb(lut, 255), px[0] & 0xffffff); // maximum (red) on top
		assertEquals(rgb(lut, 0), px[(h - 1) * w] & 0xffffff); // minimum (blue) at the bottom
		// inside the image, in its upper right corner, under half its width
		final Roi box = items.get(0);
		assertTrue(box.getBounds().x + box.getBounds().width <= 64 && box.getBounds().width <= 32, box.getBounds().toString());
		// a larger image has room for the meaning of the ends; adding again replaces the bar
		final ImagePlus large = new ImagePlus("map", new FloatProcessor(300, 300));
		ColourBar.addTo(large, true, 0.02);
		ColourBar.addTo(large, true, 0.02);
		items = bar(large);
		assertEquals(5, items.size());
		assertEquals(List.of("+0.02 raises", "0", "-0.02 lowers"), texts(items));
	}

	@Test
	void barGoesWhereItHidesTheLeastAttribution() {
		// 64x64, box 20x30: corners at x 43 (right) or 1 (left), y 1 (top) or 33 (bottom)
		assertEquals(List.of(43, 1), List.of(ColourBar.corner(null, 64, 64, 20, 30)[0], ColourBar.corner(null, 64, 64, 20, 30)[1]));
		final float[] m = new float[64 * 64];
		assertEquals(43, ColourBar.corner(m, 64, 64, 20, 30)[0]); // a tie: upper right
		m[5 * 64 + 50] = 1; // something in the upper right corner
		int[] c = ColourBar.corner(m, 64, 64, 20, 30);
		assertEquals(List.of(1, 1), List.of(c[0], c[1]));
		m[5 * 64 + 5] = -2; // and more in the upper left: the lower right is free
		c = ColourBar.corner(m, 64, 64, 20, 30);
		assertEquals(List.of(43, 33), List.of(c[0], c[1]));
		// on an image: the box is placed there
		final ImagePlus image = new ImagePlus("map", new FloatProcessor(64, 64));
		ColourBar.addTo(image, false, 1, m);
		final Roi box = bar(image).get(0);
		assertTrue(box.getBounds().x > 32 && box.getBounds().y > 20, box.getBounds().toString());
	}

	@Test
	void sequentialBarRunsFromZeroToTheBound() {
		final ImagePlus image = new ImagePlus("map", new FloatProcessor(64, 64));
		ColourBar.addTo(image, false, 3e-4);
		final List<Roi> items = bar(image);
		assertEquals(List.of("3e-4", "1.5e-4", "0"), texts(items));
		final ImageRoi strip = (ImageRoi) items.get(1);
		final int[] px = (int[]) strip.getProcessor().getPixels();
		final LUT lut = Heatmap.sequentialLut();
		assertEquals(rgb(lut, 255), px[0] & 0xffffff);
		assertEquals(rgb(lut, 0), px[px.length - 1] & 0xffffff);
	}

	private static int rgb(final LUT lut, final int i) {
		return (lut.getRed(i) & 0xff) << 16 | (lut.getGreen(i) & 0xff) << 8 | lut.getBlue(i) & 0xff;
	}

	@Test
	void overlayFigureIsEnlargedWithItsBar() {
		assertEquals(4, Figures.enlargement(64, 64, 256));
		assertEquals(6, Figures.enlargement(100, 43, 256));
		assertEquals(1, Figures.enlargement(512, 300, 256));
		// a 64x64 grey image, the right half with a strong positive map
		final FloatProcessor cells = new FloatProcessor(64, 64);
		for (int i = 0; i < 64 * 64; i++) cells.setf(i, 100 + i % 7);
		final ImagePlus source = new ImagePlus("cells.tif", cells);
		final float[] map = new float[64 * 64];
		for (int i = 0; i < map.length; i++) map[i] = i % 64 >= 32 ? 2 : 0;
		Heatmap.addOverlay(source, map, true, "Test Map", 1.0);
		final ImagePlus fig = Figures.overlayFigure(source, "Test Map", "Test Map of cells.tif (a)", "model m");
		final int x0 = Figures.MARGIN, y0 = fig.getHeight() - Figures.MARGIN - 256 - 20; // the panel's top left, about
		assertTrue(fig.getWidth() >= 256 + 2 * Figures.MARGIN + Figures.BAR_WIDTH && fig.getHeight() >= 256 + 2 * Figures.MARGIN,
			fig.getWidth() + "x" + fig.getHeight());
		final int[] px = (int[]) fig.getProcessor().getPixels();
		final int fw = fig.getWidth();
		// find the panel: the first row (from the top) whose pixel at x = MARGIN + 10 is not white
		int top = 0;
		while ((px[top * fw + x0 + 10] & 0xffffff) == 0xffffff) top++;
		assertTrue(top > 20 && top < y0 + 40, "panel top " + top);
		// left half: grey (no colour where the map is zero); right half: the positive colour, opaque
		final int left = px[(top + 100) * fw + x0 + 60], right = px[(top + 100) * fw + x0 + 200];
		assertEquals(left >> 16 & 0xff, left & 0xff, "grey: " + Integer.toHexString(left));
		assertEquals(left >> 8 & 0xff, left & 0xff, "grey: " + Integer.toHexString(left));
		assertEquals(Heatmap.POSITIVE, right & 0xffffff);
		// 256 pixels of panel: the pixel after it (the gap before the bar) is white again
		assertEquals(0xffffff, px[(top + 100) * fw + x0 + 256] & 0xffffff);
		assertTrue((px[(top + 100) * fw + x0 + 255] & 0xffffff) != 0xffffff);
		// the bar: the positive colour just inside its top, the negative colour just inside its bottom
		final int barX = x0 + 256 + Figures.GAP + Figures.BAR_WIDTH / 2;
		assertEquals(Heatmap.POSITIVE, px[(top + 2) * fw + barX] & 0xffffff);
		assertEquals(Heatmap.NEGATIVE, px[(top + 253) * fw + barX] & 0xffffff);
		assertEquals(0x808080, px[(top + 128) * fw + barX] & 0xffffff); // mid grey: near zero shows the image
	}
}
