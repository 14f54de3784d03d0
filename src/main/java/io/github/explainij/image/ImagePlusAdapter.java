package io.github.explainij.image;

import ij.ImagePlus;
import ij.ImageStack;
import ij.measure.Calibration;
import ij.process.ByteProcessor;
import ij.process.ColorProcessor;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;
import ij.process.ShortProcessor;

import io.github.explainij.ExplainException;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.view.Views;

/**
 * ImageJ 1.x images to ImgLib2 and back. The model input is the image's current plane: all channels at
 * the current slice and frame (RGB counts as three channels), as an {@code [X, Y, C]} float image. The
 * source image is only read, never changed.
 * <p>
 * This is the one place pixels are read, and they are read as the values the user sees: an 8- or
 * 16-bit image's calibration function is applied (a signed 16-bit TIFF, which ImageJ stores shifted
 * by 32768 with a straight-line function, gives its real, negative values; Analyze > Calibrate... gives
 * calibrated units). 32-bit and RGB images have no calibration function in ImageJ; their values are used
 * as they are.
 */
public final class ImagePlusAdapter {

	private ImagePlusAdapter() {}

	/**
	 * The current plane of every channel, as a float image [X, Y, C] (C = 1 for a single channel).
	 *
	 * @throws ExplainException for a missing or empty image, or one with NaN / infinite pixels
	 */
	public static ArrayImg<FloatType, FloatArray> currentPlanes(final ImagePlus imp) {
		if (imp == null) throw new ExplainException("no image: open an image first");
		return planesAt(imp, imp.getZ(), imp.getT());
	}

	/**
	 * Every channel at slice {@code z} and frame {@code t} (1-based, as ImageJ counts), as a float image
	 * [X, Y, C].
	 *
	 * @throws ExplainException for a missing or empty image, or one with NaN / infinite pixels
	 */
	public static ArrayImg<FloatType, FloatArray> planesAt(final ImagePlus imp, final int z, final int t) {
		if (imp == null) throw new ExplainException("no image: open an image first");
		final int w = imp.getWidth(), h = imp.getHeight();
		if (w <= 0 || h <= 0 || imp.getStackSize() == 0 || imp.getProcessor() == null || imp.getProcessor().getPixels() == null) {
			throw new ExplainException("the image '" + imp.getTitle() + "' is empty");
		}
		final float[][] planes;
		if (imp.getType() == ImagePlus.COLOR_RGB) {
			final ColorProcessor cp = (ColorProcessor) (imp.getStackSize() == 1 ? imp.getProcessor()
				: imp.getStack().getProcessor(imp.getStackIndex(1, z, t)));
			planes = new float[3][];
			for (int c = 0; c < 3; c++) planes[c] = (float[]) cp.toFloat(c, null).getPixels();
		}
		else {
			final int channels = imp.getNChannels();
			final ImageStack stack = imp.getStack();
			planes = new float[channels][];
			for (int c = 0; c < channels; c++) {
				final int index = imp.getStackIndex(c + 1, z, t);
				final ImageProcessor ip = stack.getProcessor(index);
				planes[c] = toFloat(ip, imp.getCalibration());
			}
		}
		check(planes, imp);
		return fromPlanes(planes, w, h);
	}

	/**
	 * Every channel of frame {@code t} (1-based) as a volume, channel-major [C, Z, Y, X] (the image's
	 * slices are the depth), for a 3D model.
	 *
	 * @throws ExplainException for an empty or RGB image, or one with NaN / infinite pixels
	 */
	public static float[] volumeAt(final ImagePlus imp, final int t) {
		if (imp == null) throw new ExplainException("no image: open an image first");
		if (imp.getType() == ImagePlus.COLOR_RGB) {
			throw new ExplainException("the 3D model takes a grey-level Z stack; '" + imp.getTitle() + "' is RGB (Image > Type > 8-bit)");
		}
		final int w = imp.getWidth(), h = imp.getHeight(), d = imp.getNSlices(), n = w * h;
		if (w <= 0 || h <= 0 || imp.getStackSize() == 0) throw new ExplainException("the image '" + imp.getTitle() + "' is empty");
		final float[][] channels = new float[imp.getNChannels()][w * h * d];
		for (int c = 0; c < channels.length; c++) {
			for (int z = 0; z < d; z++) {
				System.arraycopy(toFloat(imp.getStack().getProcessor(imp.getStackIndex(c + 1, z + 1, t)), imp.getCalibration()), 0,
					channels[c], z * n, n);
			}
		}
		check(channels, imp);
		final float[] cdhw = new float[channels.length * n * d];
		for (int c = 0; c < channels.length; c++) System.arraycopy(channels[c], 0, cdhw, c * n * d, n * d);
		return cdhw;
	}

	/**
	 * The values the user sees of one plane: through the calibration function of an 8- or 16-bit image
	 * (ImageJ's own table, as Analyze > Measure reads it), raw otherwise. No display range scaling.
	 */
	static float[] toFloat(final ImageProcessor ip, final Calibration cal) {
		if (ip instanceof FloatProcessor) return ((float[]) ip.getPixels()).clone();
		final int n = ip.getPixelCount();
		final float[] out = new float[n];
		final boolean density = cal != null && cal.calibrated() && (ip instanceof ByteProcessor || ip instanceof ShortProcessor);
		final float[] table = density ? cal.getCTable() : null;
		if (table != null) {
			for (int i = 0; i < n; i++) out[i] = table[ip.get(i)];
		}
		else if (density) {
			for (int i = 0; i < n; i++) out[i] = (float) cal.getCValue(ip.get(i));
		}
		else {
			for (int i = 0; i < n; i++) out[i] = ip.getf(i);
		}
		return out;
	}

	private static void check(final float[][] planes, final ImagePlus imp) {
		final String title = imp.getTitle();
		long nan = 0, total = 0;
		for (final float[] p : planes) {
			for (final float v : p) {
				if (!Float.isFinite(v)) nan++;
			}
			total += p.length;
		}
		final boolean calibrated = imp.getType() != ImagePlus.GRAY32 && imp.getType() != ImagePlus.COLOR_RGB &&
			imp.getCalibration() != null && imp.getCalibration().calibrated();
		if (nan > 0 && calibrated) {
			throw new ExplainException("the calibration function of '" + title + "' turns " + nan + " pixel(s) into NaN or infinite " +
				"values; a model cannot use them. Fix the function (Analyze > Calibrate...), or remove it (function None) to use the raw values");
		}
		if (nan == total) throw new ExplainException("the image '" + title + "' has no finite pixel values (all NaN)");
		if (nan > 0) {
			throw new ExplainException("the image '" + title + "' has " + nan + " NaN or infinite pixels; a model cannot use them. " +
				"Replace them first (Process > Noise > Remove NaNs..., or Process > Math > Set... on a selection)");
		}
	}

	/** Copies channel planes (row-major, each w*h) into an [X, Y, C] image. */
	public static ArrayImg<FloatType, FloatArray> fromPlanes(final float[][] planes, final int w, final int h) {
		for (int c = 0; c < planes.length; c++) {
			if (planes[c].length != w * h) throw new IllegalArgumentException("plane " + c + " has " + planes[c].length + " values, not " + w * h);
		}
		return ArrayImgs.floats(chw(planes), w, h, planes.length);
	}

	/** Channel planes of equal size as one flat, channel-major array (the layout of a [C, H, W] tensor). */
	public static float[] chw(final float[][] planes) {
		final int n = planes[0].length;
		final float[] out = new float[planes.length * n];
		for (int c = 0; c < planes.length; c++) System.arraycopy(planes[c], 0, out, c * n, n);
		return out;
	}

	/**
	 * Flat, channel-major values (the layout of a [C, H, W] tensor) of an [X, Y] or [X, Y, C] image.
	 */
	public static float[] toChw(final RandomAccessibleInterval<FloatType> img) {
		// an ArrayImg of floats stores its values in this very order (x fastest, then y, then c): copy them at once
		if (img instanceof ArrayImg && ((ArrayImg<?, ?>) img).update(null) instanceof FloatArray) {
			final float[] values = ((FloatArray) ((ArrayImg<?, ?>) img).update(null)).getCurrentStorageArray();
			if (values.length == Views.iterable(img).size()) return values.clone();
		}
		final long n = Views.iterable(img).size();
		final float[] out = new float[Math.toIntExact(n)];
		int i = 0;
		for (final FloatType t : Views.flatIterable(img)) out[i++] = t.get();
		return out;
	}

	/** Channel planes of an [X, Y, C] image. */
	public static float[][] planes(final RandomAccessibleInterval<FloatType> img) {
		final int w = (int) img.dimension(0), h = (int) img.dimension(1);
		final int c = img.numDimensions() > 2 ? (int) img.dimension(2) : 1;
		final float[] all = toChw(img);
		final float[][] planes = new float[c][w * h];
		for (int k = 0; k < c; k++) System.arraycopy(all, k * w * h, planes[k], 0, w * h);
		return planes;
	}

	/**
	 * A 32-bit image of an [X, Y] or [X, Y, C] attribution (a C-slice stack for several channels), with
	 * the source's spatial calibration.
	 */
	public static ImagePlus toImagePlus(final RandomAccessibleInterval<FloatType> img, final String title,
		final Calibration calibration, final String[] sliceLabels)
	{
		final int w = (int) img.dimension(0), h = (int) img.dimension(1);
		final float[][] planes = planes(img);
		final ImageStack stack = new ImageStack(w, h);
		for (int c = 0; c < planes.length; c++) {
			stack.addSlice(sliceLabels != null && c < sliceLabels.length ? sliceLabels[c] : null, new FloatProcessor(w, h, planes[c]));
		}
		final ImagePlus out = new ImagePlus(title, stack);
		if (calibration != null) {
			final Calibration cal = calibration.copy();
			cal.disableDensityCalibration();
			cal.setValueUnit("attribution");
			out.setCalibration(cal);
		}
		out.resetDisplayRange();
		return out;
	}
}
