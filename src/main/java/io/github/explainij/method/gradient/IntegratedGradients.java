package io.github.explainij.method.gradient;

import io.github.explainij.ExplainException;
import io.github.explainij.method.Attribution;
import io.github.explainij.method.AttributionMethod;
import io.github.explainij.method.Baselines;
import io.github.explainij.method.Batching;
import io.github.explainij.method.ExplainRequest;
import io.github.explainij.model.MemoryBudget;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Integrated Gradients (Sundararajan, Taly and Yan 2017, <i>Axiomatic Attribution for Deep Networks</i>),
 * exactly as Captum's {@code IntegratedGradients} (with {@code multiply_by_inputs=True}):
 * <pre>
 * attribution = (x - baseline) * sum_i w_i * dS/dx (baseline + a_i (x - baseline))
 * </pre>
 * with points a_i and weights w_i of the chosen {@link Integration} rule (Captum's default: Gauss-Legendre).
 * The baseline is in raw image space ({@link Baselines}). The map is signed and summed over channels
 * ({@code perChannel} keeps one slice per channel).
 * <p>
 * Completeness (the paper's axiom): the attributions sum to S(x) - S(baseline) when the integral is
 * exact. The result records {@code sum_of_attributions}, {@code score_difference} and their difference
 * {@code completeness_gap} (Captum's convergence delta), so the quadrature error can be judged; raise
 * {@code steps} when the gap is large compared with the difference.
 */
public final class IntegratedGradients implements AttributionMethod {

	public static final String NAME = "Integrated Gradients";

	/** More steps than this is a typing error (the paper uses 20 to 300). */
	public static final int MAX_STEPS = 10_000;

	private final int steps;
	private final Integration integration;
	private final String baseline;
	private final long seed;
	private final int batchSize;
	private final boolean perChannel;

	/**
	 * @param baseline zero, mean, blur or noise ({@link Baselines})
	 * @param seed the noise baseline's seed
	 * @param batchSize path points per forward/backward pass, 0 = automatic
	 */
	public IntegratedGradients(final int steps, final Integration integration, final String baseline, final long seed,
		final int batchSize, final boolean perChannel)
	{
		if (integration == null) throw new ExplainException("choose an integration method (gausslegendre, riemann_...)");
		if (steps < integration.minSteps() || steps > MAX_STEPS) {
			throw new ExplainException("steps must be between " + integration.minSteps() + " and " + MAX_STEPS + " for " +
				integration.key() + " (Captum's default is 50), not " + steps);
		}
		final String b = baseline == null ? "" : baseline.trim().toLowerCase();
		if (!b.equals(Baselines.ZERO) && !b.equals(Baselines.MEAN) && !b.equals(Baselines.BLUR) && !b.equals(Baselines.NOISE)) {
			throw new ExplainException("baseline must be zero, mean, blur or noise, not '" + baseline + "'");
		}
		this.steps = steps;
		this.integration = integration;
		this.baseline = b;
		this.seed = seed;
		this.batchSize = Batching.checkRequested(batchSize);
		this.perChannel = perChannel;
	}

	@Override
	public Attribution explain(final ExplainRequest request) {
		final int target = request.targetClass();
		final float[] x = request.pixels();
		final int size = x.length;
		final float[] base = Baselines.of(baseline, request, seed);
		final float[] delta = new float[size];
		for (int j = 0; j < size; j++) delta[j] = x[j] - base[j];
		final double[] alphas = integration.alphas(steps), weights = integration.weights(steps);
		final double[] total = new double[size];
		final MemoryBudget.BatchChoice batches = GradientBatches.run(request, request.targetFunction(), steps, batchSize, (i, batch, offset) -> {
			final float a = (float) alphas[i];
			for (int j = 0; j < size; j++) batch[offset + j] = base[j] + a * delta[j];
		}, (i, inputs, gradient, offset, score) -> {
			for (int j = 0; j < size; j++) total[j] += weights[i] * gradient[offset + j];
		});
		final float[] attribution = new float[size];
		double sum = 0;
		for (int j = 0; j < size; j++) {
			attribution[j] = (float) (total[j] * delta[j]);
			sum += attribution[j];
		}
		// Completeness: S(x) - S(baseline), from one forward pass of the baseline.
		final float[] logits = request.logits();
		final float scoreX = request.targetScore();
		final float scoreBase = request.targetScore(base);
		final double difference = (double) scoreX - scoreBase;
		final Map<String, String> params = new LinkedHashMap<>();
		params.put("steps", Integer.toString(steps));
		params.put("integration", integration.key());
		params.put("baseline", baseline);
		params.put("seed", Long.toString(seed));
		params.put("batch_size", Batching.describe(batchSize, batches));
		params.put("per_channel", Boolean.toString(perChannel));
		return new Attribution(GradientMaps.image(attribution, request, perChannel, true), NAME, target, request.className(target),
			scoreX, logits, true, params)
				.withResult("baseline_score", GradientMaps.number(scoreBase))
				.withResult("sum_of_attributions", GradientMaps.number(sum))
				.withResult("score_difference", GradientMaps.number(difference))
				.withResult("completeness_gap", GradientMaps.number(sum - difference))
				.withPasses(2 + steps, steps); // target and baseline passes + one gradient pass per step
	}

	@Override
	public boolean supportsVolumes() {
		return true;
	}
}
