package io.github.explainij.method.relevance;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import io.github.explainij.ExplainException;
import io.github.explainij.method.ExplainRequest;
import io.github.explainij.model.Network;
import io.github.explainij.target.Target;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The backward pass shared by guided backpropagation, deconvnet, LRP and DeepLIFT: run the network
 * stage by stage (the explainable convention's {@code forward_layers}), keep every stage's input, then
 * walk back from the logits, letting a {@link Rule} decide what each stage passes backwards. Stages a
 * rule leaves alone pass the ordinary vector-Jacobian product, computed by autograd on that one stage
 * ({@link #vjp}). This is Captum's design (one hook mechanism, rules per layer kind) written as an
 * explicit loop, because a TorchScript module cannot take Python hooks.
 * <p>
 * Activations live in Java arrays between stages; each stage's native work runs in its own scope, so
 * native memory is released as soon as a stage is done.
 */
public final class StagewiseBackward {

	/** Stage kinds of the explainable convention (models/explainable.py). */
	public static final String CONV = "conv", LINEAR = "linear", RELU = "relu", MAXPOOL = "maxpool", AVGPOOL = "avgpool",
		FLATTEN = "flatten", BATCHNORM = "batchnorm", UPSAMPLE = "upsample", OTHER = "other";

	/** An activation: values in row-major order and their shape ([1, C, H, W] or [1, N]). */
	public static final class Tensor {

		public final float[] data;
		public final Shape shape;

		public Tensor(final float[] data, final Shape shape) {
			this.data = data;
			this.shape = shape;
		}
	}

	/** What a stage passes backwards, given what arrives from above. */
	@FunctionalInterface
	public interface Rule {

		/**
		 * @param stage the stage index
		 * @param kind its kind ("conv", "relu", ..., "other")
		 * @param upstream the quantity at the stage's output (gradient, relevance or multiplier)
		 * @return the quantity at the stage's input
		 */
		float[] backward(int stage, String kind, float[] upstream);
	}

	private final Network network;
	private final List<String> kinds;
	private final String method;

	/**
	 * @param method the method's name, for messages
	 * @throws ExplainException when the model does not expose its stages and their kinds
	 */
	public StagewiseBackward(final Network network, final String method) {
		network.requireStages(method);
		if (network.layerKinds().isEmpty()) {
			throw new ExplainException(method + " needs the kinds of the model's stages (layer_kinds); " + network.file().getFileName() +
				" does not report them. Export it with models/explainable.py");
		}
		this.network = network;
		this.kinds = network.layerKinds();
		this.method = method;
	}

	public Network network() { return network; }

	public int stages() { return kinds.size(); }

	public String kind(final int stage) { return kinds.get(stage); }

	public String name(final int stage) { return network.layerNames().get(stage); }

	/**
	 * Runs the network stage by stage, without gradients.
	 *
	 * @return the activations a_0 (the network input) .. a_n (the logits), n + 1 of them
	 */
	public List<Tensor> forward(final Tensor input) {
		return forward(input, null);
	}

	/**
	 * Runs the network stage by stage on the request's image, without gradients, and gives the request its
	 * class scores from the last stage's output (the predicted class needs no pass of its own).
	 *
	 * @return the activations a_0 (the network input) .. a_n (the logits), n + 1 of them
	 */
	public List<Tensor> forward(final ExplainRequest request) {
		request.requireMemory();
		return forward(networkInput(request), request);
	}

	private List<Tensor> forward(final Tensor input, final ExplainRequest scores) {
		final List<Tensor> trace = new ArrayList<>();
		trace.add(input);
		try (NDManager scope = network.manager().newSubManager()) {
			NDArray a = scope.create(input.data, input.shape);
			for (int i = 0; i < kinds.size(); i++) {
				// each stage's output goes on as the next stage's input as it is (its values are also kept in Java);
				// the stage's input and temporaries are released with the stage's scope
				try (NDManager stage = scope.newSubManager()) {
					a.attach(stage);
					final NDArray out = network.forwardLayers(a, i, i + 1, false);
					trace.add(new Tensor(out.toFloatArray(), out.getShape()));
					if (i == kinds.size() - 1 && scores != null) scores.scoresFrom(out);
					out.attach(scope);
					a = out;
				}
			}
		}
		return trace;
	}

	/** The ordinary backward pass of one stage: v^T d stage(a) / d a, by autograd. */
	public float[] vjp(final int stage, final Tensor a, final float[] v) {
		return network.autograd((scope, collector) -> {
			final NDArray x = scope.create(a.data, a.shape);
			x.setRequiresGradient(true);
			final NDArray out = network.forwardLayers(x, stage, stage + 1, true);
			collector.backward(out.mul(scope.create(v, out.getShape())).sum());
			return x.getGradient().toFloatArray();
		});
	}

	/**
	 * Walks back from the logits through every stage. NaN or infinite values passed back (a rule that
	 * divides by a near-zero denominator, an overflow) are refused at the stage where they first appear.
	 */
	public float[] backward(final float[] seed, final Rule rule) {
		float[] up = seed;
		for (int i = kinds.size() - 1; i >= 0; i--) {
			up = rule.backward(i, kinds.get(i), up);
			final int bad = countNonFinite(up);
			if (bad > 0) throw nonFinite(bad, i);
		}
		return up;
	}

	/** As {@link #backward}'s check, for a quantity passed back in libtorch to the input of stage {@code stage}. */
	void requireFinite(final NDArray up, final int stage) {
		try (NDArray bad = up.isNaN().logicalOr(up.isInfinite()); NDArray count = bad.toType(ai.djl.ndarray.types.DataType.INT64, false).sum()) {
			final long n = count.getLong();
			if (n > 0) throw nonFinite(n, stage);
		}
	}

	private ExplainException nonFinite(final long bad, final int i) {
		return new ExplainException(method + "'s backward pass gives " + bad + " NaN or infinite value(s) at the input of stage '" +
			name(i) + "' (stage " + (i + 1) + " of " + kinds.size() + ", " + kinds.get(i) + "), though the model's activations are " +
			"finite: the rule overflows or divides by zero there. Try other rule parameters (e.g. a larger epsilon) or another method");
	}

	private static int countNonFinite(final float[] values) {
		int bad = 0;
		for (final float v : values) {
			if (!Float.isFinite(v)) bad++;
		}
		return bad;
	}

	/**
	 * Whether a stage left its input exactly as it was on this trace (Dropout in eval mode, Identity).
	 * Stages of kind "other" that do are treated as identity by every rule.
	 */
	public static boolean isIdentity(final List<Tensor> trace, final int stage) {
		final Tensor in = trace.get(stage), out = trace.get(stage + 1);
		return in.shape.equals(out.shape) && Arrays.equals(in.data, out.data);
	}

	/** Refuses a stage of kind "other" that is not the identity, for rules that cannot handle it. */
	public void requireIdentity(final List<Tensor> trace, final int stage) {
		if (!isIdentity(trace, stage)) {
			throw new ExplainException(method + " cannot propagate through stage '" + name(stage) + "' of kind '" + kind(stage) +
				"': only conv, linear, relu, maxpool, avgpool, flatten and batchnorm stages (and stages that leave their input " +
				"unchanged, such as Dropout in eval mode) have a rule. Export the model with one stage per layer (models/explainable.py)");
		}
	}

	// ---- the network input and raw pixels ----

	/** The request's image as network input (normalized, resized): a_0. */
	public static Tensor networkInput(final ExplainRequest request) {
		return networkInput(request, request.pixels());
	}

	/** Raw pixels [C, H, W] of the request's geometry, through the request's input transform. */
	public static Tensor networkInput(final ExplainRequest request, final float[] raw) {
		try (NDManager scope = request.network().manager().newSubManager()) {
			final NDArray x = request.transform().apply(scope.create(raw, rawShape(request)));
			return new Tensor(x.toFloatArray(), x.getShape());
		}
	}

	/** [1, C, H, W] of the source image. */
	public static Shape rawShape(final ExplainRequest request) {
		return new Shape(1, request.channels(), request.height(), request.width());
	}

	/**
	 * Chain rule through the input transform: turns d/d(network input) into d/d(raw pixel) at the image's
	 * own size, [C, H, W]. The transform is linear, so this is exact.
	 */
	public static float[] toRawGradient(final ExplainRequest request, final float[] atInput) {
		final Network net = request.network();
		return net.autograd((scope, collector) -> {
			final NDArray x = scope.create(request.pixels(), rawShape(request));
			x.setRequiresGradient(true);
			final NDArray y = request.transform().apply(x);
			collector.backward(y.mul(scope.create(atInput, y.getShape())).sum());
			return x.getGradient().toFloatArray();
		});
	}

	/**
	 * Moves a quantity that is already an attribution (relevance) from network-input pixels to raw pixels:
	 * the transpose of the bilinear resize, without the normalization's scale (identity when the model
	 * takes the image at its own size). Bilinear weights of each output pixel sum to 1, so totals are
	 * kept.
	 */
	public static float[] toRawRelevance(final ExplainRequest request, final float[] atInput) {
		final float[] g = toRawGradient(request, atInput);
		final float[] divisor = request.transform().divisor();
		final int n = request.width() * request.height();
		for (int c = 0; c < request.channels(); c++) {
			for (int i = 0; i < n; i++) g[c * n + i] *= divisor[c];
		}
		return g;
	}

	/**
	 * d target / d output, the quantity the backward walk starts from: for a classifier's logit a
	 * one-hot row, for its probability the softmax Jacobian's row, for a region of a dense output the
	 * region's weights on the class's map; computed by autograd on the target function itself.
	 */
	public float[] seed(final Tensor output, final Target target) {
		return network.autograd((scope, collector) -> {
			final NDArray o = scope.create(output.data, output.shape);
			o.setRequiresGradient(true);
			collector.backward(target.score(o).sum());
			return o.getGradient().toFloatArray();
		});
	}

	/** The target's score on an output computed stage by stage. */
	public float score(final Tensor output, final Target target) {
		try (NDManager scope = network.manager().newSubManager()) {
			return target.score(scope.create(output.data, output.shape)).toFloatArray()[0];
		}
	}
}
