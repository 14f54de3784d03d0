package io.github.explainij.inspect;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import io.github.explainij.ExplainException;
import io.github.explainij.method.Progress;
import io.github.explainij.model.Network;
import io.github.explainij.workflow.ImageFolder;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;

/**
 * Which training images drive a prediction: TracIn-style influence (Pruthi et al., 2020) restricted to
 * the final linear stage {@code z = W h + b}. The influence of training image i (with its own label
 * {@code y}) on the current image (with its predicted class {@code y'}) is the dot product of the
 * gradients of the cross-entropy loss with respect to W and b:
 * <pre>
 *   dL/dW = (p - e_y) h^T,  dL/db = p - e_y
 *   influence = [(p - e_y) . (p' - e_y')] * [h . h' + 1]
 * </pre>
 * with p = softmax(z) and h the input of the final linear stage (the output of the stage before it).
 * The "+ 1" is the bias's share; a final stage without bias (no {@code stages.<i>.bias}, and zero output
 * for a zero input) drops it. Positive: training on that image lowers the current image's loss (a helpful,
 * "proponent" example); negative: it raises it (harmful, "opponent": often a mislabelled image). The model's
 * current weights are the only checkpoint (TracIn sums over several).
 */
public final class Influence {

	/** One training image's influence. */
	public static final class Example {

		/** Index in folder order. */
		public final int index;
		public final ImageFolder.Entry entry;
		/** Its label's class index in the model's classes. */
		public final int label;
		/** The class the model predicts for it. */
		public final int predicted;
		public final double influence;

		Example(final int index, final ImageFolder.Entry entry, final int label, final int predicted, final double influence) {
			this.index = index;
			this.entry = entry;
			this.label = label;
			this.predicted = predicted;
			this.influence = influence;
		}
	}

	private final int predicted;
	private final boolean bias;
	private final String finalStage;
	private final List<Example> examples;
	private final List<Example> ranked;

	private Influence(final int predicted, final boolean bias, final String finalStage, final List<Example> examples) {
		this.predicted = predicted;
		this.bias = bias;
		this.finalStage = finalStage;
		this.examples = Collections.unmodifiableList(examples);
		final List<Example> r = new ArrayList<>(examples);
		r.sort(Comparator.comparingDouble((Example e) -> -e.influence).thenComparingInt(e -> e.index));
		this.ranked = Collections.unmodifiableList(r);
	}

	/**
	 * @param planes the current image's raw values, one array per channel, row-major
	 * @param folder the labelled training images; labels are the model's class names
	 */
	public static Influence of(final Network network, final float[][] planes, final int width, final int height, final ImageFolder folder,
		final Progress progress)
	{
		network.requireStages("influential-examples");
		folder.requireLabels("influential-examples");
		final List<String> names = network.layerNames();
		final List<String> kinds = network.layerKinds();
		final int last = names.size() - 1;
		if (last < 1 || kinds.size() != names.size() || !"linear".equals(kinds.get(last))) {
			throw new ExplainException("influential-examples needs a classifier whose last stage is a linear layer (layer_kinds ending in " +
				"'linear'); this model's stages are " + names + (kinds.isEmpty() ? " with no layer_kinds" : " of kinds " + kinds));
		}
		final List<String> classes = network.spec().classes();
		if (classes.isEmpty()) {
			throw new ExplainException("influential-examples matches the folder's labels to the model's class names, but the model's sidecar " +
				"lists no classes: add \"classes\": [...] to " + network.file().getFileName().toString().replaceAll("\\.pt$", ".json"));
		}
		final int[] labelOf = new int[folder.size()];
		for (int i = 0; i < folder.size(); i++) {
			final ImageFolder.Entry e = folder.entries().get(i);
			labelOf[i] = classes.indexOf(e.label);
			if (labelOf[i] < 0) {
				throw new ExplainException("the label '" + e.label + "' of " + e.name + " is not one of the model's classes " + classes +
					": relabel the image or name its class as the model does");
			}
		}
		final int[] stages = { last - 1, last };
		final Shape[] shapes = new Shape[2];
		final float[][] current = StageOutputs.of(network, planes, width, height, stages, shapes);
		check(shapes, classes.size(), names);
		final float[] h0 = current[0];
		final int predicted = argmax(current[1]);
		final double[] d0 = lossGradient(current[1], predicted);
		final boolean bias = hasBias(network, last, h0.length);
		final List<Example> examples = new ArrayList<>();
		StageOutputs.forEach(network, folder, stages, progress, (image, outputs, s) -> {
			check(s, classes.size(), names);
			final int i = examples.size();
			final double[] d = lossGradient(outputs[1], labelOf[i]);
			double dd = 0, hh = 0;
			for (int j = 0; j < d.length; j++) dd += d[j] * d0[j];
			for (int j = 0; j < h0.length; j++) hh += (double) outputs[0][j] * h0[j];
			examples.add(new Example(i, image.entry, labelOf[i], argmax(outputs[1]), dd * (hh + (bias ? 1 : 0))));
		});
		return new Influence(predicted, bias, names.get(last), examples);
	}

	private static void check(final Shape[] shapes, final int classes, final List<String> names) {
		if (shapes[0].dimension() != 2) {
			throw new ExplainException("influential-examples needs the input of the last stage '" + names.get(names.size() - 1) + "' to be a " +
				"vector per image, but the stage before it, '" + names.get(names.size() - 2) + "', gives " + shapes[0].slice(1) +
				": flatten before the final linear layer");
		}
		if (shapes[1].dimension() != 2 || shapes[1].get(1) != classes) {
			throw new ExplainException("influential-examples needs one score per class ([" + classes + "] for the sidecar's classes), but the " +
				"model's output is " + shapes[1].slice(1));
		}
	}

	/** dL/dz of the cross-entropy at logits z for class y: softmax(z) - e_y, in double, without cancellation at p_y near 1. */
	static double[] lossGradient(final float[] z, final int y) {
		double max = Double.NEGATIVE_INFINITY;
		for (final float v : z) max = Math.max(max, v);
		final double[] e = new double[z.length];
		double sum = 0, others = 0;
		for (int j = 0; j < z.length; j++) {
			e[j] = Math.exp(z[j] - max);
			sum += e[j];
			if (j != y) others += e[j];
		}
		final double[] d = new double[z.length];
		for (int j = 0; j < z.length; j++) d[j] = j == y ? -others / sum : e[j] / sum;
		return d;
	}

	private static int argmax(final float[] z) {
		int best = 0;
		for (int j = 1; j < z.length; j++) {
			if (z[j] > z[best]) best = j;
		}
		return best;
	}

	/**
	 * Whether the final linear stage has a bias: its parameter {@code stages.<i>.bias} (models/explainable.py's
	 * names); for a model that names its parameters otherwise, whether a zero input gives a non-zero output.
	 */
	private static boolean hasBias(final Network network, final int stage, final int features) {
		if (network.parameter("stages." + stage + ".bias") != null) return true;
		if (network.parameter("stages." + stage + ".weight") != null) return false;
		try (NDManager scope = network.manager().newSubManager()) {
			final NDArray out = network.forwardLayers(scope.zeros(new Shape(1, features)), stage, stage + 1, false);
			for (final float v : out.toFloatArray()) {
				if (v != 0) return true;
			}
			return false;
		}
	}

	/** The class the model predicts for the current image (whose loss the influences are about). */
	public int predicted() { return predicted; }

	/** Whether the bias's gradient is part of the dot product. */
	public boolean bias() { return bias; }

	/** The final linear stage's name. */
	public String finalStage() { return finalStage; }

	/** The training images in folder order. */
	public List<Example> examples() { return examples; }

	/** The training images by influence, most helpful first, most harmful last (ties: folder order). */
	public List<Example> ranked() { return ranked; }
}
