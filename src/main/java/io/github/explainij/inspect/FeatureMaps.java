package io.github.explainij.inspect;

import ai.djl.ndarray.types.Shape;

import io.github.explainij.ExplainException;
import io.github.explainij.image.ImagePlusAdapter;
import io.github.explainij.model.Network;

/**
 * The activations of one stage for one image (the stage's output, at its own resolution, raw values),
 * and per-channel statistics: mean, maximum and the fraction of exact zeros (a channel that is zero
 * everywhere for every image is dead).
 */
public final class FeatureMaps {

	private final String layer;
	private final float[] values;
	private final int channels, height, width;

	private FeatureMaps(final String layer, final float[] values, final int channels, final int height, final int width) {
		this.layer = layer;
		this.values = values;
		this.channels = channels;
		this.height = height;
		this.width = width;
	}

	/**
	 * @param planes the image's raw values, one array per channel, row-major
	 * @param layer the stage's name
	 */
	public static FeatureMaps of(final Network network, final float[][] planes, final int width, final int height, final String layer) {
		final int stage = network.stageIndex(layer);
		final Network.Activations a = network.activations(ImagePlusAdapter.chw(planes), new Shape(1, planes.length, height, width),
			network.transformFor(planes), stage);
		final Shape s = a.shape();
		if (s.dimension() != 4) {
			throw new ExplainException("the stage '" + layer + "' has no spatial maps (its output is " + s.slice(1) + "): choose one of " +
				Layers.spatialStages(network, planes, width, height));
		}
		return new FeatureMaps(layer, a.values(), (int) s.get(1), (int) s.get(2), (int) s.get(3));
	}

	public String layer() { return layer; }

	public int channels() { return channels; }

	public int height() { return height; }

	public int width() { return width; }

	/** Channel c's map, row-major (height x width); a view of nothing: a copy. */
	public float[] channel(final int c) {
		final float[] out = new float[height * width];
		System.arraycopy(values, c * height * width, out, 0, height * width);
		return out;
	}

	/** The mean of channel c over its positions. */
	public double mean(final int c) {
		double sum = 0;
		for (int i = c * height * width; i < (c + 1) * height * width; i++) sum += values[i];
		return sum / (height * width);
	}

	/** The maximum of channel c. */
	public double max(final int c) {
		double m = Double.NEGATIVE_INFINITY;
		for (int i = c * height * width; i < (c + 1) * height * width; i++) m = Math.max(m, values[i]);
		return m;
	}

	/** The fraction of channel c's positions that are exactly 0. */
	public double fractionZero(final int c) {
		int zeros = 0;
		for (int i = c * height * width; i < (c + 1) * height * width; i++) {
			if (values[i] == 0) zeros++;
		}
		return zeros / (double) (height * width);
	}
}
