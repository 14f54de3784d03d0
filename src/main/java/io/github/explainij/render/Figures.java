package io.github.explainij.render;

import ij.ImagePlus;
import ij.gui.Overlay;
import ij.gui.Roi;
import ij.process.ColorProcessor;
import ij.process.ImageProcessor;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * Figures for files (PNG): an image with its heatmap overlay, enlarged to a readable size, with a title,
 * a colour bar with values and a legend; and grids of such panels (the demo's overview).
 */
public final class Figures {

	/** Small images are enlarged (nearest neighbour, whole factors) to at least this many pixels on their short side. */
	public static final int MIN_SHORT_SIDE = 256;

	static final int MARGIN = 10, BAR_WIDTH = 14, GAP = 8;
	static final Font TITLE = new Font("SansSerif", Font.BOLD, 14);
	static final Font TEXT = new Font("SansSerif", Font.PLAIN, 12);

	private Figures() {}

	/** The whole enlargement factor that brings the short side to at least {@code minShortSide} pixels (1 for large images). */
	public static int enlargement(final int width, final int height, final int minShortSide) {
		final int shortSide = Math.min(width, height);
		return Math.max(1, (minShortSide + shortSide - 1) / shortSide);
	}

	/** The heatmap named {@code name} on the image's overlay, or null. */
	public static HeatmapRoi heatmap(final ImagePlus image, final String name) {
		final Overlay overlay = image.getOverlay();
		if (overlay == null) return null;
		for (int i = overlay.size() - 1; i >= 0; i--) {
			final Roi r = overlay.get(i);
			if (r instanceof HeatmapRoi && name.equals(r.getName())) return (HeatmapRoi) r;
		}
		return null;
	}

	/** The image with its overlay burnt in (auto-contrasted, as {@link Heatmap#flatten}), enlarged by nearest neighbour. */
	static BufferedImage enlargedOverlay(final ImagePlus image, final int factor) {
		final ImageProcessor flat = Heatmap.flatten(image).getProcessor();
		flat.setInterpolationMethod(ImageProcessor.NONE);
		final ColorProcessor big = (ColorProcessor) flat.resize(image.getWidth() * factor, image.getHeight() * factor);
		return big.getBufferedImage();
	}

	/**
	 * The source image with its heatmap overlay {@code overlayName}, enlarged to at least
	 * {@link #MIN_SHORT_SIDE} pixels on the short side, under a title and a subtitle, with the overlay's
	 * colour bar (values at its ends and middle) at the right and the legend of its colours below.
	 */
	public static ImagePlus overlayFigure(final ImagePlus source, final String overlayName, final String title, final String subtitle) {
		final HeatmapRoi heat = heatmap(source, overlayName);
		final int k = enlargement(source.getWidth(), source.getHeight(), MIN_SHORT_SIDE);
		final BufferedImage panel = enlargedOverlay(source, k);
		final Graphics2D probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics();
		final FontMetrics tm = probe.getFontMetrics(TITLE), fm = probe.getFontMetrics(TEXT);
		final String legend = heat == null ? "" : Heatmap.legend(heat.signed()) + "; clear where near zero";
		final int barBlock = heat == null ? 0 : GAP + BAR_WIDTH + 6 + ColourBar.labelsWidth(probe, heat.signed(), heat.bound(), TEXT);
		probe.dispose();
		final int contentW = Math.max(panel.getWidth() + barBlock, Math.max(tm.stringWidth(title), Math.max(fm.stringWidth(subtitle),
			fm.stringWidth(legend))));
		final int top = MARGIN + tm.getHeight() + (subtitle.isEmpty() ? 0 : fm.getHeight()) + 4;
		final int height = top + panel.getHeight() + (legend.isEmpty() ? 0 : 4 + fm.getHeight()) + MARGIN;
		final BufferedImage out = new BufferedImage(contentW + 2 * MARGIN, height, BufferedImage.TYPE_INT_RGB);
		final Graphics2D g = out.createGraphics();
		g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
		g.setColor(Color.WHITE);
		g.fillRect(0, 0, out.getWidth(), out.getHeight());
		g.setColor(Color.BLACK);
		g.setFont(TITLE);
		g.drawString(title, MARGIN, MARGIN + tm.getAscent());
		g.setFont(TEXT);
		if (!subtitle.isEmpty()) g.drawString(subtitle, MARGIN, MARGIN + tm.getHeight() + fm.getAscent());
		g.drawImage(panel, MARGIN, top, null);
		if (heat != null) {
			ColourBar.drawOverlayBar(g, MARGIN + panel.getWidth() + GAP, top, BAR_WIDTH, panel.getHeight(), heat.signed(), heat.bound(), TEXT);
			g.setColor(Color.BLACK);
			g.setFont(TEXT);
			g.drawString(legend, MARGIN, top + panel.getHeight() + 4 + fm.getAscent());
		}
		g.dispose();
		return new ImagePlus(title, new ColorProcessor(out));
	}

	/** One panel of a grid: an image (RGB, drawn as it is), captions above it, and the colour bar of its heatmap if any. */
	public static final class Panel {

		final BufferedImage image;
		final String caption;
		final String caption2;
		final HeatmapRoi heat;

		public Panel(final BufferedImage image, final String caption, final String caption2, final HeatmapRoi heat) {
			this.image = image;
			this.caption = caption;
			this.caption2 = caption2;
			this.heat = heat;
		}
	}

	/** An enlarged panel of an image: with its heatmap overlay {@code overlayName} if it has one, else just the auto-contrasted image. */
	public static Panel panel(final ImagePlus image, final String overlayName, final int minShortSide, final String caption,
		final String caption2)
	{
		final int k = enlargement(image.getWidth(), image.getHeight(), minShortSide);
		final HeatmapRoi heat = overlayName == null ? null : heatmap(image, overlayName);
		final ImagePlus shown;
		if (heat == null) {
			shown = new ImagePlus(image.getTitle(), image.getProcessor().duplicate());
			shown.setOverlay((Overlay) null);
		}
		else {
			shown = new ImagePlus(image.getTitle(), image.getProcessor().duplicate());
			final Overlay only = new Overlay();
			only.add(heat);
			shown.setOverlay(only);
		}
		return new Panel(enlargedOverlay(shown, k), caption, caption2, heat);
	}

	/**
	 * A grid of panels (rows of equal length), each with two caption lines above it and, for a heatmap,
	 * its colour bar at its right; a title and a legend line for the whole figure.
	 */
	public static ImagePlus grid(final String title, final List<List<Panel>> rows, final String legend) {
		final Graphics2D probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics();
		final FontMetrics tm = probe.getFontMetrics(TITLE), fm = probe.getFontMetrics(TEXT);
		final int columns = rows.stream().mapToInt(List::size).max().orElse(0);
		final int[] colW = new int[columns];
		final int[] rowH = new int[rows.size()];
		for (int r = 0; r < rows.size(); r++) {
			for (int c = 0; c < rows.get(r).size(); c++) {
				final Panel p = rows.get(r).get(c);
				final int bar = p.heat == null ? 0 : GAP + BAR_WIDTH + 6 + ColourBar.labelsWidth(probe, p.heat.signed(), p.heat.bound(), TEXT);
				colW[c] = Math.max(colW[c], Math.max(p.image.getWidth() + bar, Math.max(fm.stringWidth(p.caption), fm.stringWidth(p.caption2))));
				rowH[r] = Math.max(rowH[r], 2 * fm.getHeight() + 2 + p.image.getHeight());
			}
		}
		probe.dispose();
		int width = MARGIN, height = MARGIN + tm.getHeight() + GAP;
		for (final int w : colW) width += w + 2 * GAP;
		for (final int h : rowH) height += h + GAP;
		height += fm.getHeight() + MARGIN;
		width = Math.max(width, 2 * MARGIN + Math.max(tm.stringWidth(title), fm.stringWidth(legend)));
		final BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
		final Graphics2D g = out.createGraphics();
		g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
		g.setColor(Color.WHITE);
		g.fillRect(0, 0, width, height);
		g.setColor(Color.BLACK);
		g.setFont(TITLE);
		g.drawString(title, MARGIN, MARGIN + tm.getAscent());
		int y = MARGIN + tm.getHeight() + GAP;
		for (int r = 0; r < rows.size(); r++) {
			int x = MARGIN;
			for (int c = 0; c < rows.get(r).size(); c++) {
				final Panel p = rows.get(r).get(c);
				g.setColor(Color.BLACK);
				g.setFont(TEXT);
				g.drawString(p.caption, x, y + fm.getAscent());
				g.drawString(p.caption2, x, y + fm.getHeight() + fm.getAscent());
				final int iy = y + 2 * fm.getHeight() + 2;
				g.drawImage(p.image, x, iy, null);
				if (p.heat != null) {
					ColourBar.drawOverlayBar(g, x + p.image.getWidth() + GAP, iy, BAR_WIDTH, p.image.getHeight(), p.heat.signed(), p.heat.bound(), TEXT);
				}
				x += colW[c] + 2 * GAP;
			}
			y += rowH[r] + GAP;
		}
		g.setColor(Color.BLACK);
		g.setFont(TEXT);
		g.drawString(legend, MARGIN, y + fm.getAscent());
		g.dispose();
		return new ImagePlus(title, new ColorProcessor(out));
	}
}
