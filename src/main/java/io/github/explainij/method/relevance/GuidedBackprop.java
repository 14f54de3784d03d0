package io.github.explainij.method.relevance;

import io.github.explainij.method.Attribution;
import io.github.explainij.method.AttributionMethod;
import io.github.explainij.method.ExplainRequest;

/**
 * Guided backpropagation (Springenberg, Dosovitskiy, Brox and Riedmiller, <i>Striving for Simplicity:
 * The All Convolutional Net</i>, ICLR workshop 2015), as Captum's {@code GuidedBackprop}: the gradient
 * of the class score, except that each ReLU passes back only positive gradient where its forward input
 * was positive ({@code grad_in = relu(grad_out) * (input > 0)}). The result is with respect to the raw
 * pixels at the image's own size; summed over channels (signed) unless {@code perChannel}.
 */
public final class GuidedBackprop implements AttributionMethod {

	public static final String NAME = "Guided Backpropagation";

	private final boolean perChannel;

	public GuidedBackprop(final boolean perChannel) {
		this.perChannel = perChannel;
	}

	@Override
	public Attribution explain(final ExplainRequest request) {
		return ReluBackprop.explain(request, ReluBackprop.ReluRule.GUIDED, NAME, perChannel);
	}

	/**
	 * The raw guided gradient of the request's target with respect to the raw pixels, one value per
	 * channel and pixel, channel-major [C, H, W] at the image's own size. The entry point for Guided
	 * Grad-CAM, which multiplies it with an upsampled Grad-CAM map.
	 */
	public static float[] guidedGradient(final ExplainRequest request) {
		return ReluBackprop.rawGradient(request, ReluBackprop.ReluRule.GUIDED, NAME).gradient;
	}
}
