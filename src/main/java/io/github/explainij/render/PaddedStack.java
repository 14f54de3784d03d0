package io.github.explainij.render;

import ij.ImagePlus;
import ij.ImageStack;
import ij.process.FloatProcessor;

import java.util.ArrayList;
import java.util.List;

/**
 * A stack of pictures of different sizes (image patches, whole images of a folder), each padded with
 * zeros to the largest width and height: one slice per picture and channel (a hyperstack with the
 * pictures along Z when there are several channels), raw 32-bit values, slice labels as given.
 */
public final class PaddedStack {

	private final List<float[][]> pictures = new ArrayList<>();
	private final List<int[]> placements = new ArrayList<>(); // width, height, x offset, y offset (filled in by build)
	private final List<Boolean[]> alignEnd = new ArrayList<>();
	private final List<String> labels = new ArrayList<>();
	private int channels = -1;

	/**
	 * Adds a picture.
	 *
	 * @param planes one array per channel, row-major
	 * @param rightAlign place it at the right of a wider slice (a patch cut off at the image's left border)
	 * @param bottomAlign place it at the bottom of a taller slice (a patch cut off at the image's top border)
	 */
	public PaddedStack add(final float[][] planes, final int width, final int height, final boolean rightAlign, final boolean bottomAlign,
		final String label)
	{
		if (channels < 0) channels = planes.length;
		if (planes.length != channels) throw new IllegalArgumentException("every picture needs " + channels + " channel(s)");
		pictures.add(planes);
		placements.add(new int[] { width, height });
		alignEnd.add(new Boolean[] { rightAlign, bottomAlign });
		labels.add(label);
		return this;
	}

	/** The padded stack, or null when nothing was added. */
	public ImagePlus build(final String title) {
		if (pictures.isEmpty()) return null;
		int w = 1, h = 1;
		for (final int[] p : placements) {
			w = Math.max(w, p[0]);
			h = Math.max(h, p[1]);
		}
		final ImageStack stack = new ImageStack(w, h);
		for (int i = 0; i < pictures.size(); i++) {
			final int pw = placements.get(i)[0], ph = placements.get(i)[1];
			final int ox = alignEnd.get(i)[0] ? w - pw : 0, oy = alignEnd.get(i)[1] ? h - ph : 0;
			for (int c = 0; c < channels; c++) {
				final float[] out = new float[w * h];
				for (int y = 0; y < ph; y++) System.arraycopy(pictures.get(i)[c], y * pw, out, (y + oy) * w + ox, pw);
				stack.addSlice(channels > 1 ? labels.get(i) + " (channel " + (c + 1) + ")" : labels.get(i), new FloatProcessor(w, h, out));
			}
		}
		final ImagePlus imp = new ImagePlus(title, stack);
		if (channels > 1) {
			imp.setDimensions(channels, pictures.size(), 1);
			imp.setOpenAsHyperStack(true);
		}
		final ij.process.StackStatistics st = new ij.process.StackStatistics(imp);
		imp.setDisplayRange(st.min, st.max);
		return imp;
	}
}
