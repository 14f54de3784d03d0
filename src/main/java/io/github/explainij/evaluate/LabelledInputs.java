package io.github.explainij.evaluate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import io.github.explainij.ExplainException;
import io.github.explainij.image.ImagePlusAdapter;
import io.github.explainij.model.Network;
import io.github.explainij.workflow.ImageFolder;

import java.util.List;

/**
 * What the model-level evaluations share: a labelled folder's labels as the model's class indices
 * (matched to the sidecar's classes by name), and images as network inputs (each image normalized with
 * its own transform, as every Explain-IJ pass does, then resized to a fixed input size).
 */
public final class LabelledInputs {

	private LabelledInputs() {}

	/**
	 * The class index of every image of a labelled folder, in folder order: labels are matched to the
	 * sidecar's class names; a model whose sidecar names no classes takes class numbers (0, 1, ...).
	 */
	public static int[] classIndices(final Network network, final ImageFolder folder, final String command) {
		folder.requireLabels(command);
		final List<String> classes = network.spec().classes();
		final List<ImageFolder.Entry> entries = folder.entries();
		final int[] out = new int[entries.size()];
		for (int i = 0; i < out.length; i++) {
			final String label = entries.get(i).label;
			int k = classes.indexOf(label);
			if (k < 0 && classes.isEmpty()) {
				try {
					k = Integer.parseInt(label.trim());
				}
				catch (final NumberFormatException e) {
					k = -1;
				}
			}
			if (k < 0) {
				throw new ExplainException(command + ": the label '" + label + "' of " + entries.get(i).name + " is not one of the model's classes " +
					(classes.isEmpty() ? "(its sidecar names none: label the images with class numbers 0, 1, ... or add \"classes\" to the sidecar)"
						: classes + ": label the images with the sidecar's class names"));
			}
			out[i] = k;
		}
		return out;
	}

	/** Network inputs of a batch of images of one size, and their shape [B, C, H', W']. */
	public static final class Batch {

		public final float[] values;
		public final Shape shape;

		Batch(final float[] values, final Shape shape) {
			this.values = values;
			this.shape = shape;
		}
	}

	/**
	 * Normalizes each image with its own transform ({@link Network#transformFor}) and resizes it to the
	 * model's input size.
	 *
	 * @param planes each image's raw values, one array per channel, row-major (all of one size)
	 */
	public static Batch of(final Network network, final List<float[][]> planes, final int width, final int height) {
		final NDManager scope = network.manager().newSubManager();
		try (scope) {
			float[] out = null;
			Shape one = null;
			for (int b = 0; b < planes.size(); b++) {
				final float[][] p = planes.get(b);
				final float[] chw = ImagePlusAdapter.chw(p);
				final NDArray x = network.transformFor(p).apply(scope.create(chw, new Shape(1, p.length, height, width)));
				if (out == null) {
					one = x.getShape();
					out = new float[Math.toIntExact(one.size() * planes.size())];
				}
				System.arraycopy(x.toFloatArray(), 0, out, Math.toIntExact(b * one.size()), Math.toIntExact(one.size()));
			}
			return new Batch(out, new Shape(planes.size(), one.get(1), one.get(2), one.get(3)));
		}
	}
}
