package io.github.explainij.inspect;

import ai.djl.ndarray.types.Shape;

import io.github.explainij.model.Network;

import java.util.ArrayList;
import java.util.List;

/** Small helpers about a model's stages shared by the inside-the-network family. */
public final class Layers {

	private Layers() {}

	/** Channel planes as one [C, H, W] array. */
	public static float[] chw(final float[][] planes) {
		final int n = planes[0].length;
		final float[] out = new float[planes.length * n];
		for (int c = 0; c < planes.length; c++) System.arraycopy(planes[c], 0, out, c * n, n);
		return out;
	}

	/** The output shape of every stage ([B=1, ...]) for this image. */
	public static List<Shape> stageShapes(final Network network, final float[][] planes, final int width, final int height) {
		final List<Shape> shapes = new ArrayList<>();
		for (int i = 0; i < network.layerNames().size(); i++) {
			shapes.add(network.activations(chw(planes), new Shape(1, planes.length, height, width), network.transformFor(planes), i).shape());
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
}
