package io.github.explainij.evaluate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import io.github.explainij.ExplainException;
import io.github.explainij.method.Batching;
import io.github.explainij.method.Progress;
import io.github.explainij.model.Network;
import io.github.explainij.target.TargetSpec;
import io.github.explainij.workflow.ImageFolder;

import java.util.ArrayList;
import java.util.List;

/**
 * Unit ablation: what one channel (unit) of a stage contributes to the decisions over a labelled folder.
 * For each batch the stages up to the chosen one run once; then the rest of the network runs on the
 * activations as they are, and once more with each ablated channel set to 0. Reported per channel: the
 * accuracy, and each class's mean score (the logit of the class over the images labelled with it), with
 * their change from the intact network.
 */
public final class UnitAblation {

	/** One row: the channel zeroed (-1: none, the intact network), the accuracy and each class's mean own-class logit. */
	public static final class Row {

		public final int channel;
		public final double accuracy;
		public final double[] classScores;

		Row(final int channel, final double accuracy, final double[] classScores) {
			this.channel = channel;
			this.accuracy = accuracy;
			this.classScores = classScores;
		}
	}

	private final String layer;
	private final List<Row> rows;
	private final int[] classCounts;

	private UnitAblation(final String layer, final List<Row> rows, final int[] classCounts) {
		this.layer = layer;
		this.rows = rows;
		this.classCounts = classCounts;
	}

	/**
	 * @param channel the channel to zero, or -1 for each channel in turn
	 */
	public static UnitAblation run(final Network network, final ImageFolder folder, final String layer, final int channel,
		final Progress progress)
	{
		final int[] labels = LabelledInputs.classIndices(network, folder, "unit ablation");
		final int stage = network.stageIndex(layer);
		final int n = network.layerNames().size();
		final ImageFolder.Image first = ImageFolder.read(folder.entries().get(0));
		final int batch = Batching.batchSize(0, (long) first.planes.length * first.width * first.height, folder.size());
		final long[][] correct = new long[1][];
		final double[][][] sums = new double[1][][];
		final int[] classCounts = new int[labels.length == 0 ? 0 : java.util.Arrays.stream(labels).max().getAsInt() + 1];
		final int[] seen = new int[1];
		folder.forEachBatch(batch, progress, (images, raw) -> {
			final List<float[][]> planes = new ArrayList<>();
			for (final ImageFolder.Image im : images) planes.add(im.planes);
			final LabelledInputs.Batch in = LabelledInputs.of(network, planes, images.get(0).width, images.get(0).height);
			try (NDManager scope = network.manager().newSubManager()) {
				final NDArray a = network.forwardLayers(scope.create(in.values, in.shape), 0, stage + 1, false);
				final int c = (int) a.getShape().get(1);
				if (correct[0] == null) {
					if (channel >= c) {
						throw new ExplainException("the stage '" + layer + "' has " + c + " channels (0.." + (c - 1) + "); channel " + channel +
							" does not exist (use -1 for each channel in turn)");
					}
					final int rowsCount = channel < 0 ? c + 1 : 2;
					correct[0] = new long[rowsCount];
					sums[0] = new double[rowsCount][];
				}
				for (int r = 0; r < correct[0].length; r++) {
					final int zeroed = r == 0 ? -1 : channel < 0 ? r - 1 : channel;
					final NDArray rest;
					if (zeroed < 0) {
						rest = network.forwardLayers(a, stage + 1, n, false);
					}
					else {
						final long[] maskShape = new long[a.getShape().dimension()];
						java.util.Arrays.fill(maskShape, 1);
						maskShape[1] = c;
						final float[] keep = new float[c];
						java.util.Arrays.fill(keep, 1);
						keep[zeroed] = 0;
						rest = network.forwardLayers(a.mul(scope.create(keep, new Shape(maskShape))), stage + 1, n, false);
					}
					if (rest.getShape().dimension() != 2) {
						throw new ExplainException("unit ablation reports accuracy, so it needs a classifier (logits [B, K]); the model " +
							network.spec().name() + " returns " + rest.getShape());
					}
					final int k = (int) rest.getShape().get(1);
					if (sums[0][r] == null) sums[0][r] = new double[k];
					final float[] logits = rest.toFloatArray();
					for (int b = 0; b < images.size(); b++) {
						final int label = labels[seen[0] + b];
						if (label >= k) throw new ExplainException("the label class " + label + " of " + images.get(b).entry.name + " is beyond the model's " + k + " outputs");
						final float[] row = java.util.Arrays.copyOfRange(logits, b * k, (b + 1) * k);
						if (TargetSpec.argmax(row) == label) correct[0][r]++;
						sums[0][r][label] += row[label];
					}
				}
			}
			for (int b = 0; b < images.size(); b++) classCounts[labels[seen[0] + b]]++;
			seen[0] += images.size();
		});
		final List<Row> rows = new ArrayList<>();
		for (int r = 0; r < correct[0].length; r++) {
			final double[] means = new double[sums[0][r].length];
			for (int k = 0; k < means.length; k++) means[k] = k < classCounts.length && classCounts[k] > 0 ? sums[0][r][k] / classCounts[k] : Double.NaN;
			rows.add(new Row(r == 0 ? -1 : channel < 0 ? r - 1 : channel, correct[0][r] / (double) labels.length, means));
		}
		return new UnitAblation(layer, java.util.Collections.unmodifiableList(rows), classCounts);
	}

	public String layer() { return layer; }

	/** The intact network first, then one row per ablated channel. */
	public List<Row> rows() { return rows; }

	/** How many images carry each class's label. */
	public int[] classCounts() { return classCounts.clone(); }
}
