package io.github.explainij.render;

import ij.ImagePlus;
import ij.gui.ImageRoi;
import ij.gui.Overlay;
import ij.gui.Roi;
import ij.plugin.ContrastEnhancer;
import ij.process.ColorProcessor;
import ij.process.LUT;


/**
 * Colour maps and overlays for attribution maps.
 * <ul>
 * <li>Sequential maps (non-negative, e.g. |gradient|, Grad-CAM) use matplotlib's <i>inferno</i>, cut at
 * 85% of its range: perceptually uniform, luminance rising from black, readable by colour-blind
 * viewers, and its brightest colour is a saturated amber (251, 190, 35), not white, so the strongest
 * evidence stands out on a bright grey nucleus instead of vanishing into it. (Inferno's own top is a pale
 * yellow-white; viridis' yellow would also do, but its blue low end reads as "negative" next to the
 * diverging map.)</li>
 * <li>Signed maps use blue (negative) - white (zero) - red (positive), symmetric about zero.</li>
 * <li>Overlays are transparent where the attribution is near zero ({@link #TRANSPARENT_BELOW} of the
 * display bound) and become more opaque with the magnitude, so the cells stay visible under weak
 * evidence instead of under a pale wash. Signed overlays keep a saturated red or blue at every
 * strength; only their opacity says how strong.</li>
 * </ul>
 * The display range is robust (the 99.5th percentile of |value|), so a few extreme pixels do not wash
 * the map out; the raw image keeps every value.
 */
public final class Heatmap {

	/** Share of the largest values that saturate the colour map. */
	static final double SATURATION_PERCENTILE = 99.5;

	/** |value| / display bound under which an overlay is fully transparent. */
	public static final double TRANSPARENT_BELOW = 0.1;

	/** |value| / display bound from which an overlay pixel has its full opacity. */
	public static final double OPAQUE_FROM = 0.6;

	/** Matplotlib's inferno at 0, 0.05, ..., 0.85 of its range (0xRRGGBB), interpolated linearly. */
	private static final int[] INFERNO_TO_85 = { 0x000004, 0x07051b, 0x160b39, 0x2b0b57, 0x420a68, 0x550f6d, 0x6a176e, 0x7f1e6c,
		0x932667, 0xa82e5f, 0xba3655, 0xcc4248, 0xdd513a, 0xea632a, 0xf37819, 0xf98c0a, 0xfca50a, 0xfbbe23 };

	/** The overlay colours of signed maps: a saturated red for positive values, blue for negative ones. */
	static final int POSITIVE = 0xe8251f, NEGATIVE = 0x2a6cf0;

	private Heatmap() {}

	/** The colour tables' red, green and blue bytes, computed once (every result image and overlay takes a copy). */
	private static final byte[][] SEQUENTIAL = sequentialTable(), DIVERGING = divergingTable();

	/** Inferno, cut before its pale top (see the class comment). A new LUT each call: callers may change its range. */
	public static LUT sequentialLut() {
		return new LUT(SEQUENTIAL[0], SEQUENTIAL[1], SEQUENTIAL[2]);
	}

	private static byte[][] sequentialTable() {
		final byte[] r = new byte[256], g = new byte[256], b = new byte[256];
		final int last = INFERNO_TO_85.length - 1;
		for (int i = 0; i < 256; i++) {
			final double pos = i / 255.0 * last;
			final int k = Math.min(last - 1, (int) Math.floor(pos));
			final double f = pos - k;
			final int c0 = INFERNO_TO_85[k], c1 = INFERNO_TO_85[k + 1];
			r[i] = (byte) clamp255((1 - f) * (c0 >> 16 & 0xff) + f * (c1 >> 16 & 0xff));
			g[i] = (byte) clamp255((1 - f) * (c0 >> 8 & 0xff) + f * (c1 >> 8 & 0xff));
			b[i] = (byte) clamp255((1 - f) * (c0 & 0xff) + f * (c1 & 0xff));
		}
		return new byte[][] { r, g, b };
	}

	/** blue (negative) - white (zero) - red (positive). A new LUT each call: callers may change its range. */
	public static LUT divergingLut() {
		return new LUT(DIVERGING[0], DIVERGING[1], DIVERGING[2]);
	}

	private static byte[][] divergingTable() {
		final byte[] r = new byte[256], g = new byte[256], b = new byte[256];
		for (int i = 0; i < 256; i++) {
			final double t = (i - 127.5) / 127.5; // -1 .. 1
			if (t < 0) {
				r[i] = (byte) clamp255(255 * (1 + t));
				g[i] = (byte) clamp255(255 * (1 + t));
				b[i] = (byte) 255;
			}
			else {
				r[i] = (byte) 255;
				g[i] = (byte) clamp255(255 * (1 - t));
				b[i] = (byte) clamp255(255 * (1 - t));
			}
		}
		return new byte[][] { r, g, b };
	}

	/** The LUT a map is shown with. */
	public static LUT lut(final boolean signed) {
		return signed ? divergingLut() : sequentialLut();
	}

	/**
	 * The overlay colour of a value {@code t = value / bound}, as ARGB: alpha 0 where |t| is under
	 * {@link #TRANSPARENT_BELOW}, rising linearly to 255 at {@link #OPAQUE_FROM}.
	 */
	public static int overlayArgb(final double t, final boolean signed, final LUT sequential) {
		final double m = signed ? Math.abs(t) : Math.max(0, t);
		final double a = Math.max(0, Math.min(1, (m - TRANSPARENT_BELOW) / (OPAQUE_FROM - TRANSPARENT_BELOW)));
		final int alpha = (int) Math.round(255 * a);
		if (alpha == 0) return 0;
		final int rgb;
		if (signed) rgb = t > 0 ? POSITIVE : NEGATIVE;
		else {
			final int index = clamp255(255 * t);
			rgb = (sequential.getRed(index) & 0xff) << 16 | (sequential.getGreen(index) & 0xff) << 8 | (sequential.getBlue(index) & 0xff);
		}
		return alpha << 24 | rgb;
	}

	/** The legend of a map's colours, in plain words. */
	public static String legend(final boolean signed) {
		return signed ? "red raises the score, blue lowers it" : "brighter: larger attribution";
	}

	private static int clamp255(final double v) {
		return (int) Math.round(Math.max(0, Math.min(255, v)));
	}

	/** The robust display bound: the 99.5th percentile of |value| (or the max if that is zero). */
	public static double displayBound(final float[] values) {
		final float[] abs = new float[values.length];
		float max = 0;
		for (int i = 0; i < values.length; i++) {
			abs[i] = Math.abs(values[i]);
			max = Math.max(max, abs[i]);
		}
		final double p = abs.length == 0 ? 0 : kthSmallest(abs, (int) Math.floor(SATURATION_PERCENTILE / 100 * (abs.length - 1)));
		return p > 0 ? p : max > 0 ? max : 1;
	}

	/**
	 * The value that would stand at index {@code k} if {@code a} were sorted (quickselect: linear time,
	 * where sorting a 512x512 map for one percentile took ~20 ms per command). Reorders {@code a}.
	 */
	static float kthSmallest(final float[] a, final int k) {
		int lo = 0, hi = a.length - 1;
		while (lo < hi) {
			final float pivot = a[(lo + hi) >>> 1];
			int i = lo, j = hi;
			while (i <= j) {
				while (a[i] < pivot) i++;
				while (a[j] > pivot) j--;
				if (i <= j) {
					final float t = a[i];
					a[i++] = a[j];
					a[j--] = t;
				}
			}
			if (k <= j) hi = j;
			else if (k >= i) lo = i;
			else return a[k];
		}
		return a[k];
	}

	/**
	 * Colours a map for overlaying, as ARGB (see {@link #overlayArgb}): transparent where the attribution
	 * is near zero, more opaque where it is strong, so the cells stay visible underneath.
	 */
	public static ColorProcessor colorize(final float[] values, final int width, final int height, final boolean signed) {
		return colorize(values, width, height, signed, displayBound(values));
	}

	static ColorProcessor colorize(final float[] values, final int width, final int height, final boolean signed, final double bound) {
		final LUT sequential = sequentialLut();
		final int[] argb = new int[width * height];
		for (int i = 0; i < argb.length; i++) argb[i] = overlayArgb(values[i] / bound, signed, sequential);
		final ColorProcessor cp = new ColorProcessor(width, height, argb);
		cp.setColorModel(HeatmapRoi.ARGB);
		return cp;
	}

	/**
	 * Adds (or replaces) a heatmap named {@code name} on the image's overlay, with per-pixel transparency
	 * (see {@link #overlayArgb}) times {@code opacity}. The pixels of the image are not touched; a macro
	 * removes it with {@code Overlay.removeRois(name)}.
	 */
	public static ImageRoi addOverlay(final ImagePlus image, final float[] values, final boolean signed, final String name,
		final double opacity)
	{
		final double bound = displayBound(values);
		final HeatmapRoi roi = new HeatmapRoi(colorize(values, image.getWidth(), image.getHeight(), signed, bound), signed, bound);
		roi.setName(name);
		roi.setOpacity(opacity);
		Overlay overlay = image.getOverlay();
		if (overlay == null) overlay = new Overlay();
		for (int i = overlay.size() - 1; i >= 0; i--) {
			final Roi r = overlay.get(i);
			if (name.equals(r.getName())) overlay.remove(i);
		}
		overlay.add(roi);
		image.setOverlay(overlay);
		return roi;
	}

	/** The image with its overlay burnt in, as RGB (for PNG export). The image itself is unchanged. */
	public static ImagePlus flatten(final ImagePlus image) {
		final ImagePlus shown = new ImagePlus(image.getTitle(), image.getProcessor().duplicate());
		shown.setCalibration(image.getCalibration());
		// The cells under the heatmap are shown auto-contrasted (0.35% saturated), as Image > Adjust > Brightness/Contrast > Auto.
		new ContrastEnhancer().stretchHistogram(shown.getProcessor(), 0.35);
		shown.setOverlay(image.getOverlay());
		return shown.flatten();
	}
}
