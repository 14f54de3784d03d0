package io.github.explainij.method.relevance;

import io.github.explainij.ExplainException;
import io.github.explainij.method.Attribution;
import io.github.explainij.method.AttributionMethod;
import io.github.explainij.method.Baselines;
import io.github.explainij.method.ExplainRequest;
import io.github.explainij.method.relevance.StagewiseBackward.Tensor;
import io.github.explainij.target.ClassScore;
import io.github.explainij.target.ScoreKind;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * DeepLIFT with the rescale rule (Shrikumar, Greenside and Kundaje, <i>Learning Important Features
 * Through Propagating Activation Differences</i>, ICML 2017), as Captum's {@code DeepLift}:
 * multipliers are propagated from the target logit back to the input; a ReLU stage multiplies by
 * {@code delta_out / delta_in} (the ordinary gradient where {@code |delta_in| < 1e-10}); max-pooling
 * uses Captum's {@code maxpool} rule (differences routed through the switches of both the input and the
 * baseline, divided by {@code delta_in}); conv, linear, batchnorm, average pooling and flatten pass
 * their gradient. The attribution is {@code (x - baseline) * multiplier} in raw pixel space: the input
 * transform is linear, so multipliers chain through it exactly, which is Captum's DeepLift on
 * {@code Normalize -> network} with the baseline given in raw values. Summed over channels (signed)
 * unless {@code perChannel}. By construction the attributions sum to score(x) - score(baseline); the
 * remaining gap is recorded as a result.
 * <p>
 * One deliberate simplification: Captum runs input and baseline as one batch, and where a ReLU falls
 * back to the gradient it uses each half's own gradient; the max-pooling rule then adds the baseline
 * half's upstream multipliers. Here one multiplier stream is kept (the input's), which is the same
 * unless some unit has exactly equal input and baseline pre-activations.
 */
public final class DeepLift implements AttributionMethod {

	public static final String NAME = "DeepLIFT";

	/** Captum's threshold below which a difference counts as zero. */
	static final double DELTA_EPS = 1e-10;

	private final String baseline;
	private final boolean perChannel;

	public DeepLift(final String baseline, final boolean perChannel) {
		final String b = baseline == null ? "" : baseline.trim().toLowerCase(Locale.ROOT);
		if (!b.equals(Baselines.ZERO) && !b.equals(Baselines.MEAN) && !b.equals(Baselines.BLUR)) {
			throw new ExplainException("DeepLIFT's baseline must be zero, mean or blur, not '" + baseline + "'");
		}
		this.baseline = b;
		this.perChannel = perChannel;
	}

	@Override
	public Attribution explain(final ExplainRequest request) {
		if (request.score() != ScoreKind.LOGIT) {
			throw new ExplainException("DeepLIFT explains the target's logit; choose score=logit");
		}
		final StagewiseBackward stages = new StagewiseBackward(request.network(), NAME);
		final int c = request.channels(), w = request.width(), h = request.height();
		final float[] x = request.pixels();
		final float[] b = Baselines.of(baseline, x, c, w, h, 0);
		final List<Tensor> tx = stages.forward(request);
		final int target = request.targetClass();
		final List<Tensor> tb = stages.forward(StagewiseBackward.networkInput(request, b));
		final ClassScore targetFunction = request.targetFunction();
		final float[] seed = stages.seed(tx.get(tx.size() - 1), targetFunction);
		final float[] atInput = stages.backward(seed, (i, kind, up) -> {
			switch (kind) {
				case StagewiseBackward.RELU: return rescale(tx.get(i), tx.get(i + 1), tb.get(i), tb.get(i + 1), up);
				case StagewiseBackward.MAXPOOL: return maxpool(stages, i, tx, tb, up);
				case StagewiseBackward.CONV: case StagewiseBackward.LINEAR: case StagewiseBackward.BATCHNORM:
				case StagewiseBackward.AVGPOOL: case StagewiseBackward.FLATTEN: case StagewiseBackward.UPSAMPLE:
					return stages.vjp(i, tx.get(i), up);
				default:
					stages.requireIdentity(tx, i);
					stages.requireIdentity(tb, i);
					return up;
			}
		});
		final float[] m = StagewiseBackward.toRawGradient(request, atInput);
		final float[] attribution = new float[x.length];
		for (int i = 0; i < x.length; i++) attribution[i] = (x[i] - b[i]) * m[i];
		final double total = RelevanceMaps.sum(attribution);
		final float scoreX = stages.score(tx.get(tx.size() - 1), targetFunction);
		final float scoreB = stages.score(tb.get(tb.size() - 1), targetFunction);
		final double difference = (double) scoreX - scoreB;
		final Map<String, String> params = new LinkedHashMap<>();
		params.put("baseline", baseline);
		params.put("per_channel", Boolean.toString(perChannel));
		return RelevanceMaps.signed(request, attribution, perChannel, NAME, target, scoreX, request.logits(), params)
			.withResult("baseline_score", Float.toString(scoreB))
			.withResult("sum_of_attributions", Double.toString(total))
			.withResult("score_difference", Double.toString(difference))
			.withResult("delta", Double.toString(total - difference))
			.withPasses(2, 1); // the stage-wise forward of image (which gives the target) and baseline + one stage-wise backward
	}

	/** Captum's {@code nonlinear}: grad_out * delta_out / delta_in, or the gradient where delta_in ~ 0. */
	static float[] rescale(final Tensor in, final Tensor out, final Tensor inB, final Tensor outB, final float[] up) {
		final float[] m = new float[up.length];
		for (int j = 0; j < m.length; j++) {
			final double dIn = (double) in.data[j] - inB.data[j];
			if (Math.abs(dIn) < DELTA_EPS) m[j] = in.data[j] > 0 ? up[j] : 0;
			else m[j] = (float) (up[j] * (((double) out.data[j] - outB.data[j]) / dIn));
		}
		return m;
	}

	/**
	 * Captum's {@code maxpool} rule. With M = max(out, out_ref): the input's switches carry
	 * up * (M - out_ref), the baseline's switches up * (out - M); their sum divided by delta_in is the
	 * multiplier (the ordinary gradient where delta_in ~ 0). Unpooling is the pooling's gradient
	 * (identical to max_unpool for non-overlapping windows).
	 */
	private static float[] maxpool(final StagewiseBackward stages, final int i, final List<Tensor> tx, final List<Tensor> tb,
		final float[] up)
	{
		final float[] o = tx.get(i + 1).data, or = tb.get(i + 1).data;
		final float[] vx = new float[up.length], vb = new float[up.length];
		for (int j = 0; j < up.length; j++) {
			final float max = Math.max(o[j], or[j]);
			vx[j] = up[j] * (max - or[j]);
			vb[j] = up[j] * (o[j] - max);
		}
		final float[] ux = stages.vjp(i, tx.get(i), vx), ub = stages.vjp(i, tb.get(i), vb);
		final float[] grad = stages.vjp(i, tx.get(i), up);
		final float[] in = tx.get(i).data, inB = tb.get(i).data;
		final float[] m = new float[in.length];
		for (int j = 0; j < m.length; j++) {
			final double dIn = (double) in[j] - inB[j];
			m[j] = Math.abs(dIn) < DELTA_EPS ? grad[j] : (float) ((ux[j] + (double) ub[j]) / dIn);
		}
		return m;
	}
}
