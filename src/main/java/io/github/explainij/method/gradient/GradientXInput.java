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
		// the class scores (and so the predicted class) come from the gradient pass's own forward
		final ExplainRequest.TargetGradient g = request.targetGradient();
		final int target = request.targetClass();
		final float[] x = request.pixels();
		final float[] product = times(x, 0, g.gradient(), 0, x.length);
		final Map<String, String> params = new LinkedHashMap<>();
		params.put("per_channel", Boolean.toString(perChannel));
		return new Attribution(GradientMaps.image(product, request, perChannel, true), NAME, target, request.className(target),
			g.score(), request.logits(), true, params).withPasses(g.forwardPasses(), 1);
	}

	@Override
	public boolean supportsVolumes() {
		return true;
	}
}
