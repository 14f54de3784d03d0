package io.github.explainij.method;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Saliency map (Simonyan, Vedaldi and Zisserman 2014): the gradient of the class score with respect
 * to the input pixels. With {@code absolute} (default) each pixel gets the largest absolute gradient
 * over its channels, as in the paper; otherwise the signed gradient, summed over channels. With
 * {@code perChannel} one slice per input channel is kept (absolute or signed, not reduced).
 */
public final class SaliencyMap implements AttributionMethod {

	public static final String NAME = "Saliency Map";

	private final boolean absolute;
	private final boolean perChannel;

	public SaliencyMap(final boolean absolute, final boolean perChannel) {
		this.absolute = absolute;
		this.perChannel = perChannel;
	}

	@Override
	public Attribution explain(final ExplainRequest request) {
		final int c = request.channels();
		// the class scores (and so the predicted class) come from the gradient pass's own forward
		final ExplainRequest.TargetGradient g = request.targetGradient();
		final int target = request.targetClass();
		final float[] grad = g.gradient();
		final int n = request.voxels();
		final float[] out;
		if (perChannel) {
			out = grad.clone();
			if (absolute) for (int i = 0; i < out.length; i++) out[i] = Math.abs(out[i]);
		}
		else {
			out = absolute ? ChannelMaps.maxAbs(grad, c, n) : ChannelMaps.sum(grad, c, n);
		}
		final Map<String, String> params = new LinkedHashMap<>();
		params.put("absolute", Boolean.toString(absolute));
		params.put("per_channel", Boolean.toString(perChannel));
		return new Attribution(perChannel ? request.channelMap(out) : request.mapOf(out, 1), NAME, target,
			request.className(target), g.score(), request.logits(), !absolute, params).withPasses(g.forwardPasses(), 1);
	}

	@Override
	public boolean supportsVolumes() {
		return true;
	}
}
