package io.github.explainij.method.relevance;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

import io.github.explainij.method.Attribution;
import io.github.explainij.method.ExplainRequest;
import io.github.explainij.model.Network;
import io.github.explainij.target.ClassScore;
import io.github.explainij.method.relevance.StagewiseBackward.Tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Backpropagation with a modified ReLU backward pass, as Captum's {@code ModifiedReluGradientAttribution}
 * (the base of its {@code GuidedBackprop} and {@code Deconvolution}): only ReLU stages change what
 * passes backwards; every other stage (conv, linear, batchnorm, max-pooling through its forward switches,
 * average pooling, flatten) passes its ordinary gradient. A stage of kind "other" also passes its
 * ordinary gradient (the result records which), since Captum's hooks only touch ReLU modules.
 */
final class ReluBackprop {

	/** How a ReLU stage passes the gradient back. */
	enum ReluRule {
		/** Springenberg et al. 2015: relu(grad_out) where the forward input was positive. */
		GUIDED,
		/** Zeiler and Fergus 2014: relu(grad_out), ignoring the forward mask. */
		DECONVNET
	}

	/** The modified gradient with respect to raw pixels [C, H, W] and what was explained. */
	static final class Result {

		final float[] gradient;
		final float score;
		final float[] logits;
		final List<String> ordinaryOther;

		Result(final float[] gradient, final float score, final float[] logits, final List<String> ordinaryOther) {
			this.gradient = gradient;
			this.score = score;
			this.logits = logits;
			this.ordinaryOther = ordinaryOther;
		}
	}

	private ReluBackprop() {}

	/**
	 * The walk runs in libtorch from start to end: the stages' outputs stay native (no Java copies), each
	 * ReLU's rule is two tensor operations, every other stage passes its ordinary gradient by autograd on
	 * that one stage, and each stage's output is released as soon as the walk has passed it. Only the
	 * gradient at the network input comes back to Java.
	 */
	static Result rawGradient(final ExplainRequest request, final ReluRule rule, final String method) {
		final StagewiseBackward stages = new StagewiseBackward(request.network(), method);
		request.requireMemory();
		final Network net = request.network();
		final Tensor input = StagewiseBackward.networkInput(request);
		final List<String> ordinaryOther = new ArrayList<>();
		final float[] score = new float[1];
		final float[] atInput = net.autograd((scope, collector) -> {
			final List<NDArray> trace = new ArrayList<>();
			NDArray a = scope.create(input.data, input.shape);
			trace.add(a);
			for (int i = 0; i < stages.stages(); i++) {
				a = net.forwardLayers(a, i, i + 1, false);
				trace.add(a);
			}
			request.scoresFrom(a);
			final ClassScore target = request.targetFunction();
			// d target / d output: a one-hot row for a logit, the softmax Jacobian's row for a probability, ...
			final NDArray o = a.duplicate();
			o.setRequiresGradient(true);
			final NDArray s = target.score(o);
			score[0] = s.toFloatArray()[0];
			collector.backward(s.sum());
			NDArray up = o.getGradient().duplicate();
			for (int i = stages.stages() - 1; i >= 0; i--) {
				final String kind = stages.kind(i);
				final NDArray in = trace.get(i), out = trace.get(i + 1);
				final NDArray next;
				// this stage's temporaries, its autograd graph and the quantity from above go with its scope
				try (NDManager stage = scope.newSubManager()) {
					up.attach(stage);
					if (StagewiseBackward.RELU.equals(kind)) {
						final NDArray positive = up.maximum(0f);
						if (rule == ReluRule.DECONVNET) {
							next = positive;
						}
						else {
							try (NDArray open = in.gt(0f); NDArray mask = open.toType(DataType.FLOAT32, false)) {
								next = positive.mul(mask);
							}
						}
					}
					else {
						if (StagewiseBackward.OTHER.equals(kind) && !(in.getShape().equals(out.getShape()) && in.contentEquals(out))) {
							ordinaryOther.add(stages.name(i));
						}
						final NDArray x = in.duplicate();
						x.attach(stage);
						x.setRequiresGradient(true);
						collector.backward(net.forwardLayers(x, i, i + 1, true).mul(up).sum());
						next = x.getGradient().duplicate();
					}
					next.attach(scope);
				}
				stages.requireFinite(next, i);
				up = next;
				out.close(); // the walk has passed this stage's output
			}
			return up.toFloatArray();
		});
		return new Result(StagewiseBackward.toRawGradient(request, atInput), score[0], request.logits(), ordinaryOther);
	}

	static Attribution explain(final ExplainRequest request, final ReluRule rule, final String method, final boolean perChannel) {
		final Result r = rawGradient(request, rule, method);
		final int target = request.targetClass();
		final Map<String, String> params = new LinkedHashMap<>();
		params.put("per_channel", Boolean.toString(perChannel));
		Attribution a = RelevanceMaps.signed(request, r.gradient, perChannel, method, target, r.score, r.logits, params);
		if (!r.ordinaryOther.isEmpty()) {
			a = a.withResult("ordinary_gradient_stages", String.join(",", r.ordinaryOther));
		}
		return a;
	}
}
