package io.github.explainij.method.relevance;

import io.github.explainij.method.Attribution;
import io.github.explainij.method.ExplainRequest;
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

	static Result rawGradient(final ExplainRequest request, final ReluRule rule, final String method) {
		final StagewiseBackward stages = new StagewiseBackward(request.network(), method);
		final List<Tensor> trace = stages.forward(request);
		final Tensor output = trace.get(trace.size() - 1);
		final ClassScore targetFunction = request.targetFunction();
		final List<String> ordinaryOther = new ArrayList<>();
		final float[] atInput = stages.backward(stages.seed(output, targetFunction), (i, kind, up) -> {
			if (StagewiseBackward.RELU.equals(kind)) {
				final float[] in = trace.get(i).data;
				final float[] g = new float[up.length];
				for (int j = 0; j < g.length; j++) {
					final float r = Math.max(0, up[j]);
					g[j] = rule == ReluRule.DECONVNET || in[j] > 0 ? r : 0;
				}
				return g;
			}
			if (StagewiseBackward.OTHER.equals(kind) && !StagewiseBackward.isIdentity(trace, i)) ordinaryOther.add(stages.name(i));
			return stages.vjp(i, trace.get(i), up);
		});
		final float score = stages.score(output, targetFunction);
		return new Result(StagewiseBackward.toRawGradient(request, atInput), score, request.logits(), ordinaryOther);
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
