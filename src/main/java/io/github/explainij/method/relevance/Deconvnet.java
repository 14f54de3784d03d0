package io.github.explainij.method.relevance;

import io.github.explainij.method.Attribution;
import io.github.explainij.method.AttributionMethod;
import io.github.explainij.method.ExplainRequest;

/**
 * Deconvnet (Zeiler and Fergus, <i>Visualizing and Understanding Convolutional Networks</i>, ECCV 2014),
 * as Captum's {@code Deconvolution}: the backward pass of the class score in which each ReLU passes back
 * {@code relu(grad_out)}, ignoring where its forward input was positive; max-pooling routes through the
 * forward switches (its ordinary gradient). Raw pixels at the image's own size; summed over channels
 * (signed) unless {@code perChannel}.
 */
public final class Deconvnet implements AttributionMethod {

	public static final String NAME = "Deconvnet";

	private final boolean perChannel;

	public Deconvnet(final boolean perChannel) {
		this.perChannel = perChannel;
	}

	@Override
	public Attribution explain(final ExplainRequest request) {
		return ReluBackprop.explain(request, ReluBackprop.ReluRule.DECONVNET, NAME, perChannel);
	}
}
