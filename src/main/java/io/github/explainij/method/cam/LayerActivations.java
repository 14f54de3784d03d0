package io.github.explainij.method.cam;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

import io.github.explainij.ExplainException;
import io.github.explainij.method.ExplainRequest;
import io.github.explainij.model.Network;
import io.github.explainij.target.Target;

import java.util.ArrayList;
import java.util.List;

/**
 * What a class activation map is built from: the activations A [C, h, w] at the output of one stage,
 * for the request's image, the gradient d score / d A (when asked for), the logits, and the network
 * input [C_in, H_in, W_in] the model was given (after normalization and resizing).
 */
public final class LayerActivations {

	private final String layer;
	private final int stage;
	private final int channels;
	private final int depth;
	private final int height;
	private final int width;
	private final float[] activations;
	private final float[] gradients;
	private final float[] logits;
	private final float score;
	private final float[] networkInput;
	private final Shape inputShape;
	private final boolean scoresFromThisPass;

	private LayerActivations(final String layer, final int stage, final Shape shape, final float[] activations,
		final float[] gradients, final float[] logits, final float score, final float[] networkInput, final Shape inputShape,
		final boolean scoresFromThisPass)
	{
		this.scoresFromThisPass = scoresFromThisPass;
		this.layer = layer;
		this.stage = stage;
		// [1, C, h, w], or [1, C, d, h, w] for a volume
		final int dims = shape.dimension();
		this.channels = (int) shape.get(1);
		this.depth = dims == 5 ? (int) shape.get(2) : 1;
		this.height = (int) shape.get(dims - 2);
		this.width = (int) shape.get(dims - 1);
		this.activations = activations;
		this.gradients = gradients;
		this.logits = logits;
		this.score = score;
		this.networkInput = networkInput;
		this.inputShape = inputShape;
	}

	/**
	 * Runs the network up to the output of {@code stage} without gradients, then the rest with
	 * autograd from that output on (nothing before the layer is differentiated).
	 *
	 * @param method the method's name, for messages
	 * @param gradients whether to compute d score / d A
	 */
	static LayerActivations at(final ExplainRequest request, final int stage, final boolean gradients,
		final String method)
	{
		final Network net = request.network();
		final int n = net.layerNames().size();
		final String layer = net.layerNames().get(stage);
		request.requireMemory();
		return net.autograd((scope, collector) -> {
			final NDArray raw = scope.create(request.pixels(), request.inputShape(1));
			final NDArray input = request.transform().apply(raw);
			final NDArray out = net.forwardLayers(input, 0, stage + 1, false);
			if (out.getShape().dimension() != (request.isVolume() ? 5 : 4)) {
				throw new ExplainException(method + " needs a stage whose output is a feature map " +
					(request.isVolume() ? "[B, C, d, h, w]" : "[B, C, h, w]") + "; stage '" + layer +
					"' outputs " + out.getShape() + ". Choose one of the convolutional stages " + featureMapStages(net) +
					" (parameter layer)");
			}
			// a call without grad returns an inference tensor, which cannot become a leaf of autograd: copy it
			final NDArray a = scope.create(out.toFloatArray(), out.getShape());
			if (gradients) a.setRequiresGradient(true);
			final NDArray output = net.forwardLayers(a, stage + 1, n, gradients);
			// the class scores (and so the predicted class) from this pass's output, unless the request knows them
			final boolean scoresFromThisPass = request.scoresFrom(output);
			final Target target = request.targetFunction();
			final NDArray score = target.score(output);
			if (gradients) collector.backward(score.sum());
			return new LayerActivations(layer, stage, a.getShape(), a.toFloatArray(), gradients ? a.getGradient().toFloatArray() : null,
				request.logits(), score.toFloatArray()[0], input.toFloatArray(), input.getShape(), scoresFromThisPass);
		});
	}

	/** Stages before the first flatten or linear stage: the ones that usually output feature maps. */
	static List<String> featureMapStages(final Network net) {
		final List<String> out = new ArrayList<>();
		final List<String> kinds = net.layerKinds();
		for (int i = 0; i < net.layerNames().size(); i++) {
			if (!kinds.isEmpty() && (kinds.get(i).equals("flatten") || kinds.get(i).equals("linear"))) break;
			out.add(net.layerNames().get(i));
		}
		return out;
	}

	/** The stage's name. */
	public String layer() { return layer; }

	/** The stage's index. */
	public int stage() { return stage; }

	public int channels() { return channels; }

	/** Whether this pass gave the request its class scores (no pass of their own was made). */
	public boolean scoresFromThisPass() { return scoresFromThisPass; }

	/** The layer's own depth d (1 for images). */
	public int depth() { return depth; }

	/** Positions per channel: d x h x w. */
	public int positions() { return depth * height * width; }

	/** The layer's own height h. */
	public int height() { return height; }

	/** The layer's own width w. */
	public int width() { return width; }

	/** A, channel-major [C, h, w]; do not modify. */
	public float[] activations() { return activations; }

	/** d score / d A, [C, h, w], or null when the method did not ask for gradients; do not modify. */
	public float[] gradients() { return gradients; }

	/** The class logits [K] for the image (region means for a dense output; see ExplainRequest#logits). */
	public float[] logits() { return logits.clone(); }

	/** The explained score (logit or probability) of the target. */
	public float score() { return score; }

	/** The network input (normalized, resized) [C_in, H_in, W_in]; do not modify. */
	public float[] networkInput() { return networkInput; }

	/** The network input's shape [1, C_in, H_in, W_in]. */
	public Shape inputShape() { return inputShape; }
}
