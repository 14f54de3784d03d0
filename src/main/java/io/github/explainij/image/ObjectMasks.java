package io.github.explainij.image;

import ij.ImagePlus;
import ij.gui.Roi;
import ij.process.ByteProcessor;
import ij.process.ImageProcessor;

import io.github.explainij.ExplainException;
import io.github.explainij.workflow.ObjectMask;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Objects from ImageJ: an area selection, the ROIs of the ROI Manager, or a label image (each positive
 * value an object; a mask with a single positive value is one region). The ImageJ side of
 * {@link ObjectMask}.
 */
public final class ObjectMasks {

	private ObjectMasks() {}

	/** One object from an area ROI. */
	public static ObjectMask fromRoi(final Roi roi, final int width, final int height, final int label, final String name) {
		if (roi == null || !roi.isArea()) {
			throw new ExplainException("the region '" + name + "' is not an area selection (draw a rectangle, oval or freehand area)");
		}
		final ByteProcessor ip = new ByteProcessor(width, height);
		ip.setColor(255);
		ip.fill(roi);
		final byte[] px = (byte[]) ip.getPixels();
		final float[] mask = new float[px.length];
		for (int i = 0; i < px.length; i++) mask[i] = px[i] != 0 ? 1 : 0;
		final ObjectMask o = new ObjectMask(label, name, mask, width, height);
		if (o.area() == 0) throw new ExplainException("the region '" + name + "' lies outside the image");
		return o;
	}

	/** One object per ROI, in the ROI Manager's order, named after the ROIs. */
	public static List<ObjectMask> fromRois(final Roi[] rois, final int width, final int height) {
		if (rois == null || rois.length == 0) {
			throw new ExplainException("the ROI Manager is empty: add the objects to it first (Analyze > Tools > ROI Manager, 'Add')");
		}
		final List<ObjectMask> out = new ArrayList<>();
		for (int i = 0; i < rois.length; i++) {
			final String name = rois[i].getName() == null || rois[i].getName().isBlank() ? "ROI " + (i + 1) : rois[i].getName();
			out.add(fromRoi(rois[i], width, height, i + 1, name));
		}
		return out;
	}

	/**
	 * The objects of a label image (ascending labels, each named "label N"), or its one region when it is a
	 * mask (a single positive value, named "mask").
	 */
	public static List<ObjectMask> fromLabels(final ImagePlus labels, final int width, final int height) {
		if (labels.getWidth() != width || labels.getHeight() != height) {
			throw new ExplainException("the label image '" + labels.getTitle() + "' is " + labels.getWidth() + "x" + labels.getHeight() +
				" but the image is " + width + "x" + height + ": it must have the image's size");
		}
		if (labels.getType() == ImagePlus.COLOR_RGB) {
			throw new ExplainException("the label image '" + labels.getTitle() + "' is RGB: use an 8-, 16- or 32-bit label image or mask");
		}
		final ImageProcessor ip = labels.getProcessor();
		final int n = width * height;
		final float[] values = new float[n];
		final TreeSet<Float> distinct = new TreeSet<>();
		for (int i = 0; i < n; i++) {
			final float v = ip.getf(i);
			if (!Float.isFinite(v)) throw new ExplainException("the label image '" + labels.getTitle() + "' has NaN or infinite values");
			values[i] = v;
			if (v > 0) distinct.add(v);
		}
		if (distinct.isEmpty()) throw new ExplainException("the label image '" + labels.getTitle() + "' has no object (no value above 0)");
		final List<ObjectMask> out = new ArrayList<>();
		for (final float label : distinct) {
			final float[] mask = new float[n];
			for (int i = 0; i < n; i++) mask[i] = values[i] == label ? 1 : 0;
			final int l = Math.round(label);
			out.add(new ObjectMask(l, distinct.size() == 1 ? "mask" : "label " + (label == l ? Integer.toString(l) : Float.toString(label)),
				mask, width, height));
		}
		return out;
	}
}
