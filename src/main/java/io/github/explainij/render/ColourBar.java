package io.github.explainij.render;

import ij.ImagePlus;
import ij.gui.ImageRoi;
import ij.gui.Overlay;
import ij.gui.Roi;
import ij.gui.TextRoi;
import ij.process.ColorProcessor;
import ij.process.LUT;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.Locale;

/**
 * Colour bars with values, as ImageJ's <i>Analyze &gt; Tools &gt; Calibration Bar</i> draws them: a
 * vertical strip of the colour map, its maximum at the top, with the value of each tick beside it, on a
 * white box in a corner of the image, as overlay items (the pixels are not touched). The corner is the
 * one where the box hides the least attribution (the upper right one when it is a tie). A signed bar
 * says what its colours mean at its ends ("raises" / "lowers" the score) where the image is wide enough.
 */
public final class ColourBar {

	/** The name of every overlay item of the bar: {@code Overlay.removeRois("Colour bar")} removes it. */
	public static final String NAME = "Colour bar";

	private ColourBar() {}

	/** Tick values from the top of the bar down: {bound, 0, -bound} for signed maps, {bound, bound/2, 0} otherwise. */
	public static double[] ticks(final boolean signed, final double bound) {
		return signed ? new double[] { bound, 0, -bound } : new double[] { bound, bound / 2, 0 };
	}

	/** A short label for a tick: 3 significant digits, {@code 1.28e-4} for very small or large values. */
	public static String label(final double v) {
		if (v == 0) return "0";
		final double a = Math.abs(v);
		if (a >= 1e4 || a < 1e-2) {
			final String[] me = String.format(Locale.ROOT, "%.2e", v).split("e");
			return stripZeros(me[0]) + "e" + Integer.parseInt(me[1]);
		}
		if (a >= 100) return String.format(Locale.ROOT, "%.0f", v);
		return stripZeros(String.format(Locale.ROOT, a >= 10 ? "%.1f" : a >= 1 ? "%.2f" : a >= 0.1 ? "%.3f" : "%.4f", v));
	}

	private static String stripZeros(final String s) {
		return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
	}

	/** The tick values as text, a positive signed end with its "+". */
	static String[] numbers(final boolean signed, final double bound) {
		final double[] t = ticks(signed, bound);
		final String[] l = new String[t.length];
		for (int i = 0; i < t.length; i++) l[i] = label(t[i]);
		if (signed) l[0] = "+" + l[0];
		return l;
	}

	/** The tick labels, the signed ends with their meaning. */
	static String[] labels(final boolean signed, final double bound) {
		final String[] l = numbers(signed, bound);
		if (signed) {
			l[0] = l[0] + " raises";
			l[2] = l[2] + " lowers";
		}
		return l;
	}

	/** As {@link #addTo(ImagePlus, boolean, double, float[])}, in the upper right corner. */
	public static void addTo(final ImagePlus image, final boolean signed, final double bound) {
		addTo(image, signed, bound, null);
	}

	/**
	 * Puts the bar on a result image's overlay (replacing an earlier bar), for the display range
	 * {@code [-bound, bound]} (signed) or {@code [0, bound]}, in the corner where it covers the least of
	 * {@code magnitude} (per pixel, row-major; null: the upper right corner). Sizes follow the image, so
	 * the bar keeps its proportions at any zoom.
	 */
	public static void addTo(final ImagePlus image, final boolean signed, final double bound, final float[] magnitude) {
		final int w = image.getWidth(), h = image.getHeight();
		final int font = Math.max(5, Math.min(14, (int) Math.round(Math.min(w, h) / 13.0)));
		final int pad = Math.max(1, font / 4);
		final int barW = Math.max(2, (int) Math.round(font * 0.7));
		final Font f = new Font("SansSerif", Font.PLAIN, font);
		// the ends say what they mean ("raises" / "lowers") where the box stays under half the image's width
		String[] labels = labels(signed, bound);
		int textW = maxWidth(f, labels);
		if (signed && pad + barW + pad + textW + pad > 0.45 * w) {
			labels = numbers(signed, bound);
			textW = maxWidth(f, labels);
		}
		final int barH = Math.max(3 * font, (int) Math.round(0.35 * h));
		final int boxW = pad + barW + pad + textW + pad, boxH = pad + font / 2 + barH + font / 2 + pad;
		final int[] corner = corner(magnitude, w, h, boxW, boxH);
		final int x0 = corner[0], y0 = corner[1];
		final Overlay overlay = image.getOverlay() == null ? new Overlay() : image.getOverlay();
		for (int i = overlay.size() - 1; i >= 0; i--) {
			if (NAME.equals(overlay.get(i).getName())) overlay.remove(i);
		}
		final Roi box = new Roi(x0, y0, boxW, boxH);
		box.setFillColor(new Color(255, 255, 255, 215));
		box.setName(NAME);
		overlay.add(box);
		final int barX = x0 + pad, barY = y0 + pad + font / 2;
		final ImageRoi strip = new ImageRoi(barX, barY, strip(signed, barW, barH));
		strip.setName(NAME);
		overlay.add(strip);
		for (int i = 0; i < labels.length; i++) {
			final double y = barY + (barH - 1) * i / (double) (labels.length - 1);
			final TextRoi text = new TextRoi(barX + barW + pad, y - font * 0.6, labels[i], f);
			text.setStrokeColor(Color.BLACK);
			text.setAntiAlias(true);
			text.setName(NAME);
			overlay.add(text);
		}
		image.setOverlay(overlay);
	}

	/**
	 * The top left of a {@code boxW x boxH} box, 1 pixel from the border, in the corner where the sum of
	 * {@code magnitude} under it is smallest; ties (and no magnitudes) go to upper right, upper left,
	 * lower right, lower left, in that order.
	 */
	static int[] corner(final float[] magnitude, final int w, final int h, final int boxW, final int boxH) {
		final int right = Math.max(0, w - boxW - 1), bottom = Math.max(0, h - boxH - 1);
		final int[][] corners = { { right, Math.min(1, bottom) }, { Math.min(1, right), Math.min(1, bottom) }, { right, bottom },
			{ Math.min(1, right), bottom } };
		if (magnitude == null) return corners[0];
		int[] best = corners[0];
		double least = Double.POSITIVE_INFINITY;
		for (final int[] c : corners) {
			double sum = 0;
			for (int y = c[1]; y < Math.min(h, c[1] + boxH); y++) {
				for (int x = c[0]; x < Math.min(w, c[0] + boxW); x++) sum += Math.abs(magnitude[y * w + x]);
			}
			if (sum < least) { // strictly: a tie keeps the earlier corner
				least = sum;
				best = c;
			}
		}
		return best;
	}

	/** The colour map as a vertical strip, its maximum at the top. */
	static ColorProcessor strip(final boolean signed, final int width, final int height) {
		final LUT lut = Heatmap.lut(signed);
		final ColorProcessor cp = new ColorProcessor(width, height);
		for (int y = 0; y < height; y++) {
			final int index = height == 1 ? 255 : (int) Math.round(255 * (height - 1 - y) / (double) (height - 1));
			final int rgb = (lut.getRed(index) & 0xff) << 16 | (lut.getGreen(index) & 0xff) << 8 | (lut.getBlue(index) & 0xff);
			for (int x = 0; x < width; x++) cp.set(x, y, rgb);
		}
		return cp;
	}

	/**
	 * Draws an overlay's colour bar into a figure: the overlay colours of each value over a mid grey
	 * (what a weak value leaves visible: the image itself), a black frame, ticks and labels to the right.
	 *
	 * @return the width used, labels included
	 */
	static int drawOverlayBar(final Graphics2D g, final int x, final int y, final int barW, final int barH, final boolean signed,
		final double bound, final Font font)
	{
		final LUT sequential = Heatmap.sequentialLut();
		for (int row = 0; row < barH; row++) {
			final double t = signed ? 1 - 2.0 * row / (barH - 1) : 1 - row / (double) (barH - 1);
			g.setColor(new Color(over(Heatmap.overlayArgb(t, signed, sequential), 0x808080)));
			g.fillRect(x, y + row, barW, 1);
		}
		g.setColor(Color.BLACK);
		g.drawRect(x, y, barW - 1, barH - 1);
		g.setFont(font);
		g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
		final FontMetrics fm = g.getFontMetrics();
		final String[] labels = labels(signed, bound);
		int width = barW;
		for (int i = 0; i < labels.length; i++) {
			final int ty = y + (int) Math.round((barH - 1) * i / (double) (labels.length - 1));
			g.drawLine(x + barW, ty, x + barW + 3, ty);
			g.drawString(labels[i], x + barW + 6, ty + fm.getAscent() / 2 - 1);
			width = Math.max(width, barW + 6 + fm.stringWidth(labels[i]));
		}
		return width;
	}

	/** Width of the labels an overlay bar would draw. */
	static int labelsWidth(final Graphics2D g, final boolean signed, final double bound, final Font font) {
		final FontMetrics fm = g.getFontMetrics(font);
		int width = 0;
		for (final String l : labels(signed, bound)) width = Math.max(width, fm.stringWidth(l));
		return width;
	}

	/** {@code argb} composited over an opaque RGB colour. */
	static int over(final int argb, final int rgb) {
		final double a = (argb >>> 24) / 255.0;
		int out = 0;
		for (int shift = 16; shift >= 0; shift -= 8) {
			final int c = (int) Math.round(a * (argb >> shift & 0xff) + (1 - a) * (rgb >> shift & 0xff));
			out |= c << shift;
		}
		return out;
	}

	/** Text measures per font (a bar's font size follows the image's), made once: a graphics context per result cost more than the rest of the bar. */
	private static final java.util.Map<Font, FontMetrics> METRICS = new java.util.concurrent.ConcurrentHashMap<>();

	private static int maxWidth(final Font f, final String[] texts) {
		final FontMetrics fm = METRICS.computeIfAbsent(f, font -> {
			final Graphics2D g = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics();
			try {
				return g.getFontMetrics(font);
			}
			finally {
				g.dispose();
			}
		});
		int w = 0;
		for (final String s : texts) w = Math.max(w, fm.stringWidth(s));
		return w;
	}
}
