package io.github.explainij.render;

import ij.gui.ImageRoi;
import ij.process.ColorProcessor;

import java.awt.image.DirectColorModel;

/**
 * The heatmap on a source image's overlay: an {@link ImageRoi} whose pixels carry their own alpha
 * (transparent near zero, opaque where the attribution is strong), which also remembers how it was
 * coloured (signed or not, and the display bound) so a figure can draw its colour bar.
 * <p>
 * ImageJ's own {@code ImageRoi} knows only all-or-nothing transparency ({@code zeroTransparent}); this
 * class keeps the per-pixel alpha when ImageJ copies the overlay (Duplicate, crop). When the image is
 * saved with its overlay, ImageJ stores the heatmap as plain RGB marked zero-transparent, so a reopened
 * file still shows the cells where the attribution is near zero.
 */
public final class HeatmapRoi extends ImageRoi {

	/** 0xAARRGGBB pixels with their alpha. */
	static final DirectColorModel ARGB = new DirectColorModel(32, 0x00ff0000, 0x0000ff00, 0x000000ff, 0xff000000);

	private final boolean signed;
	private final double bound;

	HeatmapRoi(final ColorProcessor argb, final boolean signed, final double bound) {
		super(0, 0, argb);
		this.signed = signed;
		this.bound = bound;
	}

	/** Whether the map is signed (blue-red) or non-negative (inferno). */
	public boolean signed() {
		return signed;
	}

	/** The value at which the colours saturate (|value| for signed maps). */
	public double bound() {
		return bound;
	}

	/** The per-pixel colours with their alpha, 0xAARRGGBB. */
	public int[] argb() {
		return ((int[]) getProcessor().getPixels()).clone();
	}

	/** For ImageJ's ROI file writer: the stored RGB copy is marked transparent where it is black. */
	@Override
	public boolean getZeroTransparent() {
		return true;
	}

	@Override
	public synchronized Object clone() {
		final HeatmapRoi copy = (HeatmapRoi) super.clone();
		final ColorProcessor pixels = new ColorProcessor(getProcessor().getWidth(), getProcessor().getHeight(), argb());
		pixels.setColorModel(ARGB);
		copy.setProcessor(pixels);
		copy.setOpacity(getOpacity());
		return copy;
	}
}
