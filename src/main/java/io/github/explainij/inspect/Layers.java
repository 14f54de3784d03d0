package io.github.explainij.inspect;

import ai.djl.ndarray.types.Shape;

import io.github.explainij.image.ImagePlusAdapter;
import io.github.explainij.model.Network;

import java.util.ArrayList;
import java.util.List;

/** Small helpers about a model's stages shared by the inside-the-network family. */
public final class Layers {

	private Layers() {}

	/** The output shape of every stage ([B=1, ...]) for this image. */
	public static List<Shape> stageShapes(final Network network, final float[][] planes, final int width, final int height) {
		final List<Shape> shapes = new ArrayList<>();
		for (int i = 0; i < network.layerNames().size(); i++) {
			shapes.add(network.activations(ImagePlusAdapter.chw(planes), new Shape(1, planes.length, height, width), network.transformFor(planes), i).shape());
		}
		return shapes;
	}

	/** The names of the stages whose output has spatial maps [B, C, H, W] for this image. */
	public static List<String> spatialStages(final Network network, final float[][] planes, final int width, final int height) {
		final List<String> names = new ArrayList<>();
		final List<Shape> shapes = stageShapes(network, planes, width, height);
		for (int i = 0; i < shapes.size(); i++) {
			if (shapes.get(i).dimension() == 4) names.add(network.layerNames().get(i));
		}
		return names;
	}

	/**
	 * One sample's activations averaged over space per channel: [1, C, H, W] (or [1, C, D, H, W]) gives C
	 * values; a flat stage [1, F] is returned as it is. Summed in double.
	 */
	public static double[] channelMeans(final float[] values, final Shape shape) {
		final int c = (int) shape.get(1);
		final int per = values.length / c;
		final double[] out = new double[c];
		for (int k = 0; k < c; k++) {
			double sum = 0;
			for (int p = 0; p < per; p++) sum += values[k * per + p];
			out[k] = sum / per;
		}
		return out;
	}
}
