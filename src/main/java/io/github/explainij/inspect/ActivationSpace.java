package io.github.explainij.inspect;

import io.github.explainij.ExplainException;
import io.github.explainij.method.Progress;
import io.github.explainij.model.Network;
import io.github.explainij.workflow.ImageFolder;

import java.util.ArrayList;
import java.util.List;

/**
 * Activation space: every image of a labelled folder as one point, its stage activations averaged over
 * space (one value per channel; a flat stage as it is), and the points' principal components ({@link Pca},
 * two components). Only the pooled vectors are kept (images x channels), never the images.
 */
public final class ActivationSpace {

	private final List<ImageFolder.Entry> entries;
	private final double[][] pooled;
	private final Pca pca;

	private ActivationSpace(final List<ImageFolder.Entry> entries, final double[][] pooled, final Pca pca) {
		this.entries = entries;
		this.pooled = pooled;
		this.pca = pca;
	}

	/** The folder's pooled activations at a stage, and their PCA. */
	public static ActivationSpace of(final Network network, final ImageFolder folder, final String layer, final Progress progress) {
		if (folder.size() < 3) {
			throw new ExplainException("the folder " + folder.dir() + " holds " + folder.size() + " image(s): activation space needs at least 3");
		}
		final int stage = network.stageIndex(layer);
		final List<ImageFolder.Entry> entries = new ArrayList<>();
		final List<double[]> rows = new ArrayList<>();
		StageOutputs.forEach(network, folder, new int[] { stage }, progress, (image, outputs, shapes) -> {
			final double[] r = Layers.channelMeans(outputs[0], shapes[0]);
			if (!rows.isEmpty() && rows.get(0).length != r.length) {
				throw new ExplainException("the image " + image.entry.name + " gives " + r.length + " values at '" + layer + "', the first image " +
					rows.get(0).length);
			}
			rows.add(r);
			entries.add(image.entry);
		});
		final double[][] pooled = rows.toArray(new double[0][]);
		if (pooled[0].length < 2) {
			throw new ExplainException("the stage '" + layer + "' has " + pooled[0].length + " channel: a plane of two components needs at least 2");
		}
		return new ActivationSpace(entries, pooled, Pca.of(pooled, 2));
	}

	/** The images in folder order (point i is entries().get(i)). */
	public List<ImageFolder.Entry> entries() { return entries; }

	/** Point i's pooled activations (one per channel), a copy. */
	public double[] pooled(final int i) { return pooled[i].clone(); }

	public Pca pca() { return pca; }
}
