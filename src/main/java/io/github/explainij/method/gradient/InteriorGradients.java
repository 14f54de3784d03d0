package io.github.explainij.method.gradient;

import io.github.explainij.ExplainException;
import io.github.explainij.method.Attribution;
import io.github.explainij.method.AttributionMethod;
import io.github.explainij.method.Batching;
import io.github.explainij.method.ExplainRequest;
import io.github.explainij.model.MemoryBudget;

import net.imglib2.img.array.ArrayImgs;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Interior gradients (Sundararajan, Taly and Yan 2016, <i>Gradients of Counterfactuals</i>): the
 * gradient of the class score at the scaled image {@code alpha * x} (raw values scaled towards black),
 * for each alpha of a sweep. Where the score saturates near the real image (alpha = 1), the gradients
 * of dimmer copies still show which pixels matter; integrating them along the sweep is Integrated
 * Gradients with a zero baseline. The result is a stack, one slice per alpha ("alpha 0.02", ...),
 * each the signed gradient summed over channels, or with {@code absolute} the largest absolute
 * gradient over channels (as the Saliency Map).
 */
public final class InteriorGradients implements AttributionMethod {

	public static final String NAME = "Interior Gradients";

	private final List<BigDecimal> alphas;
	private final String alphasText;
	private final boolean absolute;
	private final int batchSize;

	/**
	 * @param alphas see {@link Alphas#parse(String)}, e.g. {@code 0.02,0.04,...,1.0}
	 * @param batchSize scaled images per forward/backward pass, 0 = automatic
	 */
	public InteriorGradients(final String alphas, final boolean absolute, final int batchSize) {
		this.alphas = Alphas.parse(alphas);
		if (this.alphas.isEmpty()) throw new ExplainException("alphas is empty: give numbers in [0, 1] such as " + Alphas.DEFAULT);
		this.alphasText = alphas.trim();
		this.absolute = absolute;
		this.batchSize = Batching.checkRequested(batchSize);
	}

	/** The alphas, in the order of the slices. */
	public double[] alphas() {
		return alphas.stream().mapToDouble(BigDecimal::doubleValue).toArray();
	}

	@Override
	public Attribution explain(final ExplainRequest request) {
		final int target = request.targetClass();
		final int c = request.channels(), w = request.width(), h = request.height(), n = w * h;
		final float[] x = request.pixels();
		final int size = x.length;
		final float[] a = new float[alphas.size()];
		for (int i = 0; i < a.length; i++) a[i] = alphas.get(i).floatValue();
		final float[] stack = new float[a.length * n];
		final float[] scores = new float[a.length];
		final MemoryBudget.BatchChoice batches = GradientBatches.run(request, request.targetFunction(), a.length, batchSize, (i, batch, offset) -> {
			for (int j = 0; j < size; j++) batch[offset + j] = a[i] * x[j];
		}, (i, inputs, gradient, offset, score) -> {
			for (int k = 0; k < c; k++) {
				for (int p = 0; p < n; p++) {
					final float g = gradient[offset + k * n + p];
					stack[i * n + p] = absolute ? Math.max(stack[i * n + p], Math.abs(g)) : stack[i * n + p] + g;
				}
			}
			scores[i] = score;
		});
		final List<String> labels = new ArrayList<>();
		final StringBuilder scoreList = new StringBuilder();
		for (int i = 0; i < a.length; i++) {
			labels.add("alpha " + Alphas.label(alphas.get(i)));
			scoreList.append(i == 0 ? "" : ",").append(GradientMaps.number(scores[i]));
		}
		final Map<String, String> params = new LinkedHashMap<>();
		params.put("alphas", alphasText);
		params.put("absolute", Boolean.toString(absolute));
		params.put("batch_size", Batching.describe(batchSize, batches));
		final float[] logits = request.logits();
		return new Attribution(ArrayImgs.floats(stack, w, h, a.length), NAME, target, request.className(target),
			request.targetScore(), logits, !absolute, params, Map.of("scores_along_alphas", scoreList.toString()),
			labels).withPasses(1 + a.length, a.length); // the target pass + one gradient pass per alpha
	}
}
