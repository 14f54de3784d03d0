package io.github.explainij.method.gradient;

import io.github.explainij.method.Attribution;
import io.github.explainij.method.AttributionMethod;
import io.github.explainij.method.ExplainRequest;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Gradient x Input (Shrikumar et al. 2016; Captum's {@code InputXGradient}): the gradient of the class
 * score times the raw pixel value, {@code x * dS/dx}. For a linear model this is each pixel's exact
 * contribution to the score; in general it is Integrated Gradients with a zero (black) baseline taken
 * in one step. Signed, summed over channels; {@code perChannel} keeps one slice per channel.
 */
public final class GradientXInput implements AttributionMethod {

	public static final String NAME = "Gradient x Input";

	private final boolean perChannel;

	public GradientXInput(final boolean perChannel) {
		this.perChannel = perChannel;
	}

	/** The per-sample attribution {@code input * gradient}, per channel (also used by SmoothGrad). */
	static float[] times(final float[] input, final int inputOffset, final float[] gradient, final int gradientOffset, final int size) {
		final float[] out = new float[size];
		for (int i = 0; i < size; i++) out[i] = input[inputOffset + i] * gradient[gradientOffset + i];
		return out;
	}

	@Override
	public Attribution explain(final ExplainRequest request) {
		final int target = request.targetClass();
		final float[] x = request.pixels();
		final float[][] product = new float[1][];
		final float[] score = new float[1];
		GradientBatches.run(request, request.targetFunction(), 1, 1, (i, batch, offset) -> System.arraycopy(x, 0, batch, offset, x.length),
			(i, inputs, gradient, offset, s) -> {
				product[0] = times(x, 0, gradient, offset, x.length);
				score[0] = s;
			});
		final Map<String, String> params = new LinkedHashMap<>();
		params.put("per_channel", Boolean.toString(perChannel));
		return new Attribution(GradientMaps.image(product[0], request, perChannel, true), NAME, target, request.className(target),
			score[0], request.logits(), true, params).withPasses(2, 1); // the target pass + one gradient pass
	}

	@Override
	public boolean supportsVolumes() {
		return true;
	}
}
