package io.github.explainij.method.relevance;

import ai.djl.ndarray.NDArray;

import io.github.explainij.ExplainException;
import io.github.explainij.method.Attribution;
import io.github.explainij.method.AttributionMethod;
import io.github.explainij.method.ExplainRequest;
import io.github.explainij.method.relevance.StagewiseBackward.Tensor;
import io.github.explainij.target.ClassScore;
import io.github.explainij.target.ScoreKind;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Layer-wise Relevance Propagation (Bach et al., PLoS ONE 2015; rules as in Montavon et al.,
 * <i>Layer-Wise Relevance Propagation: An Overview</i>, 2019). The target's logit is the relevance at
 * the output (other classes 0); it is redistributed stage by stage down to the network input:
 * <ul>
 * <li>epsilon rule ({@code rule=epsilon}, and for stages the other rules do not cover):
 * {@code R_j = a_j sum_k w_jk R_k / (z_k + eps sign(z_k))}, z_k the stage's own output (bias
 * included), sign(0) = 1; computed for conv, linear, batchnorm, max- and average-pooling as
 * {@code a * vjp(R / (z + eps sign z))}, which is Captum's {@code EpsilonRule} (Captum's LRP uses it
 * for the same layer types; for max-pooling it sends relevance to the winners, as winner-take-all);</li>
 * <li>z+ ({@code zplus}, on conv and linear): only positive contributions {@code z_jk = (a_j w_jk)^+},
 * bias ignored (Montavon 2019; Zennit's {@code ZPlus}; for a_j >= 0 this is Captum's
 * {@code Alpha1_Beta0_Rule} with {@code set_bias_to_zero=True});</li>
 * <li>alpha-beta ({@code alphabeta}, on conv and linear): {@code alpha z+_jk/z+_k - beta z-_jk/z-_k},
 * alpha - beta = 1, bias ignored (Bach 2015; Zennit's {@code AlphaBeta});</li>
 * <li>composite: z-box (Montavon et al. 2017, {@code z_jk = x_j w_jk - l_j w_jk^+ - h_j w_jk^-}) on the
 * first conv, with l and h the lowest and highest network input the image's raw range can give; z+ on
 * the other convs; epsilon on linear layers (and on batchnorm and pooling).</li>
 * </ul>
 * Every denominator is stabilized by {@code + eps sign(z)}. ReLU (and stages that leave their input
 * unchanged, such as Dropout in eval mode) pass relevance through unchanged, as Captum's LRP does for
 * its non-linear layers; flatten reshapes. BatchNorm keeps its own stage and takes the epsilon rule as
 * the affine map it is in eval mode (Captum); it is not folded into the conv before it (Zennit's
 * canonizer), so with rule=zplus or composite the conv and the BN each get their own rule.
 * <p>
 * Relevance at the network input is attributed to raw pixels by the transpose of the bilinear resize
 * (the identity when the model takes the image at its own size); the normalization's scale does not
 * enter, since relevance is already a share of the score, not a derivative. Totals are kept, so on a
 * bias-free network the map sums to the logit up to what the stabilizers absorb (recorded as results).
 */
public final class Lrp implements AttributionMethod {

	public static final String NAME = "LRP";

	public static final String EPSILON = "epsilon", ZPLUS = "zplus", ALPHABETA = "alphabeta", COMPOSITE = "composite";

	private final String rule;
	private final double epsilon;
	private final double alpha;
	private final double beta;
	private final boolean perChannel;

	public Lrp(final String rule, final double epsilon, final double alpha, final double beta, final boolean perChannel) {
		final String r = rule == null ? "" : rule.trim().toLowerCase(Locale.ROOT);
		if (!Arrays.asList(EPSILON, ZPLUS, ALPHABETA, COMPOSITE).contains(r)) {
			throw new ExplainException("LRP rule must be epsilon, zplus, alphabeta or composite, not '" + rule + "'");
		}
		if (!(epsilon > 0) || Double.isInfinite(epsilon)) {
			throw new ExplainException("LRP epsilon must be a small positive number (e.g. 1e-6), not " + epsilon);
		}
		if (r.equals(ALPHABETA) && (!(beta >= 0) || !(Math.abs(alpha - beta - 1) <= 1e-9))) {
			throw new ExplainException("LRP alpha-beta needs beta >= 0 and alpha - beta = 1 (e.g. alpha=2 beta=1, or alpha=1 beta=0), " +
				"not alpha=" + alpha + " beta=" + beta);
		}
		this.rule = r;
		this.epsilon = epsilon;
		this.alpha = alpha;
		this.beta = beta;
		this.perChannel = perChannel;
	}

	@Override
	public Attribution explain(final ExplainRequest request) {
		if (request.score() != ScoreKind.LOGIT) {
			throw new ExplainException("LRP distributes the target's logit; choose score=logit");
		}
		final StagewiseBackward stages = new StagewiseBackward(request.network(), NAME);
		final List<Tensor> trace = stages.forward(request);
		final int target = request.targetClass();
		final Tensor output = trace.get(trace.size() - 1);
		final ClassScore targetFunction = request.targetFunction();
		final int firstConv = stages.network().layerKinds().indexOf(StagewiseBackward.CONV);
		if (rule.equals(COMPOSITE) && firstConv > 0) {
			// z-box bounds are the network input's: the first conv must see the input as it is
			for (int i = 0; i < firstConv; i++) {
				if (!StagewiseBackward.isIdentity(trace, i)) {
					throw new ExplainException("LRP's composite rule puts z-box on the first conv, whose input must be the network " +
						"input, but stage '" + stages.name(i) + "' changes it first; use rule=epsilon, zplus or alphabeta");
				}
			}
		}
		// the relevance put on the output: each value times its weight in the target (the target's logit
		// for a classifier; the class's values over the region, times 1/|region| for a mean, for a dense output)
		final float[] seed = stages.seed(output, targetFunction);
		for (int j = 0; j < seed.length; j++) seed[j] *= output.data[j];
		final float score = stages.score(output, targetFunction);
		final float[] atInput = stages.backward(seed, (i, kind, up) -> {
			final Tensor in = trace.get(i), out = trace.get(i + 1);
			switch (kind) {
				case StagewiseBackward.RELU: return up;
				case StagewiseBackward.FLATTEN: return stages.vjp(i, in, up);
				case StagewiseBackward.CONV:
					if (rule.equals(COMPOSITE)) return i == firstConv ? zBox(stages, i, in, out, up, request) : zPlus(stages, i, in, out, up);
					return weightedRule(stages, i, in, out, up);
				case StagewiseBackward.LINEAR:
					// composite: epsilon on linear layers
					return rule.equals(COMPOSITE) ? epsilonRule(stages, i, in, out, up) : weightedRule(stages, i, in, out, up);
				case StagewiseBackward.BATCHNORM: case StagewiseBackward.MAXPOOL: case StagewiseBackward.AVGPOOL:
				case StagewiseBackward.UPSAMPLE:
					return epsilonRule(stages, i, in, out, up);
				default:
					stages.requireIdentity(trace, i);
					return up;
			}
		});
		final float[] relevance = StagewiseBackward.toRawRelevance(request, atInput);
		final Map<String, String> params = new LinkedHashMap<>();
		params.put("rule", rule);
		params.put("epsilon", Double.toString(epsilon));
		if (rule.equals(ALPHABETA)) {
			params.put("alpha", Double.toString(alpha));
			params.put("beta", Double.toString(beta));
		}
		params.put("per_channel", Boolean.toString(perChannel));
		final double total = RelevanceMaps.sum(relevance);
		return RelevanceMaps.signed(request, relevance, perChannel, NAME, target, score, request.logits(), params)
			.withResult("relevance_sum", Double.toString(total))
			.withResult("relevance_not_conserved", Double.toString(score - total));
	}

	/** The rule chosen for conv and linear stages: epsilon, z+ or alpha-beta. */
	private float[] weightedRule(final StagewiseBackward stages, final int i, final Tensor in, final Tensor out, final float[] r) {
		if (rule.equals(ZPLUS)) return zPlus(stages, i, in, out, r);
		if (rule.equals(ALPHABETA)) return alphaBeta(stages, i, in, out, r);
		return epsilonRule(stages, i, in, out, r);
	}

	private float stab(final float z) {
		return (float) (z + (z >= 0 ? epsilon : -epsilon));
	}

	private float[] divide(final float[] r, final float[] z) {
		final float[] s = new float[r.length];
		for (int j = 0; j < s.length; j++) s[j] = r[j] / stab(z[j]);
		return s;
	}

	/** R_in = a * vjp(R / (z + eps sign z)), z the stage's recorded output. */
	private float[] epsilonRule(final StagewiseBackward stages, final int i, final Tensor in, final Tensor out, final float[] r) {
		final float[] g = stages.vjp(i, in, divide(r, out.data));
		for (int j = 0; j < g.length; j++) g[j] *= in.data[j];
		return g;
	}

	/** Relevance through a stage made of weighted terms; see {@link #contributions}. */
	@FunctionalInterface
	private interface Terms {

		/** The pre-activations z_t (no bias) built from the leaves; differentiable. */
		NDArray[] build(NDArray[] leaves);
	}

	/**
	 * The general pattern of the modified rules (Montavon 2019, "gradient trick"): for terms z_t with
	 * coefficients c_t, {@code R_in = sum_leaves leaf * d/d leaf sum_t c_t z_t * [R / stab(z_t)]}, the
	 * bracket held constant.
	 */
	private float[] contributions(final StagewiseBackward stages, final float[][] leafValues, final Tensor in, final float[] r,
		final double[] coefficients, final Terms terms)
	{
		return stages.network().autograd((scope, collector) -> {
			final NDArray[] leaves = new NDArray[leafValues.length];
			for (int l = 0; l < leaves.length; l++) {
				leaves[l] = scope.create(leafValues[l], in.shape);
				leaves[l].setRequiresGradient(true);
			}
			final NDArray[] z = terms.build(leaves);
			NDArray objective = null;
			for (int t = 0; t < z.length; t++) {
				final float[] s = divide(r, z[t].toFloatArray());
				for (int j = 0; j < s.length; j++) s[j] *= coefficients[t];
				final NDArray term = z[t].mul(scope.create(s, z[t].getShape())).sum();
				objective = objective == null ? term : objective.add(term);
			}
			collector.backward(objective);
			final float[] rIn = new float[in.data.length];
			for (int l = 0; l < leaves.length; l++) {
				final float[] g = leaves[l].getGradient().toFloatArray();
				for (int j = 0; j < rIn.length; j++) rIn[j] += leafValues[l][j] * g[j];
			}
			return rIn;
		});
	}

	private static float[][] signParts(final float[] a) {
		final float[] p = new float[a.length], n = new float[a.length];
		for (int j = 0; j < a.length; j++) {
			if (a[j] > 0) p[j] = a[j];
			else n[j] = a[j];
		}
		return new float[][] { p, n };
	}

	/** z+: positive contributions a+ w+ + a- w-. */
	private float[] zPlus(final StagewiseBackward stages, final int i, final Tensor in, final Tensor out, final float[] r) {
		final AffineStage f = AffineStage.of(stages, i, in, out, "LRP's z+ rule");
		return contributions(stages, signParts(in.data), in, r, new double[] { 1 }, leaves -> {
			final NDArray[] l = leaves;
			return new NDArray[] { f.apply(l[0], f.weights(l[0].getManager(), 1)).add(f.apply(l[1], f.weights(l[1].getManager(), -1))) };
		});
	}

	/** alpha-beta: alpha times positive minus beta times negative contributions, each normalized. */
	private float[] alphaBeta(final StagewiseBackward stages, final int i, final Tensor in, final Tensor out, final float[] r) {
		final AffineStage f = AffineStage.of(stages, i, in, out, "LRP's alpha-beta rule");
		return contributions(stages, signParts(in.data), in, r, new double[] { alpha, -beta }, l -> {
			final NDArray wp = f.weights(l[0].getManager(), 1), wn = f.weights(l[0].getManager(), -1);
			return new NDArray[] { f.apply(l[0], wp).add(f.apply(l[1], wn)), f.apply(l[0], wn).add(f.apply(l[1], wp)) };
		});
	}

	/** z-box (Montavon et al. 2017) with bounds l, h from the raw image range through the normalization. */
	private float[] zBox(final StagewiseBackward stages, final int i, final Tensor in, final Tensor out, final float[] r,
		final ExplainRequest request)
	{
		final AffineStage f = AffineStage.of(stages, i, in, out, "LRP's z-box rule");
		final float[][] bounds = inputBounds(request, in);
		return contributions(stages, new float[][] { in.data, bounds[0], bounds[1] }, in, r, new double[] { 1 }, l -> {
			final NDArray w = f.weights(l[0].getManager(), 0), wp = f.weights(l[0].getManager(), 1),
				wn = f.weights(l[0].getManager(), -1);
			return new NDArray[] { f.apply(l[0], w).sub(f.apply(l[1], wp)).sub(f.apply(l[2], wn)) };
		});
	}

	/**
	 * The lowest and highest network input per channel: the image's raw minimum and maximum (over all
	 * channels) through the normalization. The bilinear resize averages, so it cannot leave that range.
	 */
	static float[][] inputBounds(final ExplainRequest request, final Tensor in) {
		float min = Float.POSITIVE_INFINITY, max = Float.NEGATIVE_INFINITY;
		for (final float v : request.pixels()) {
			min = Math.min(min, v);
			max = Math.max(max, v);
		}
		final float[] offset = request.transform().offset(), divisor = request.transform().divisor();
		final int c = (int) in.shape.get(1), n = in.data.length / c;
		final float[] low = new float[in.data.length], high = new float[in.data.length];
		for (int k = 0; k < c; k++) {
			final float a = (min - offset[k]) / divisor[k], b = (max - offset[k]) / divisor[k];
			Arrays.fill(low, k * n, (k + 1) * n, Math.min(a, b));
			Arrays.fill(high, k * n, (k + 1) * n, Math.max(a, b));
		}
		return new float[][] { low, high };
	}
}
