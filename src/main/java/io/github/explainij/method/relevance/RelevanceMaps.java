package io.github.explainij.method.relevance;

import io.github.explainij.method.Attribution;
import io.github.explainij.method.ChannelMaps;
import io.github.explainij.method.ExplainRequest;

import net.imglib2.img.array.ArrayImgs;

import java.util.Map;

/** Builds the signed attribution images of this family from raw-space values [C, H, W]. */
final class RelevanceMaps {

	private RelevanceMaps() {}

	/**
	 * @param values raw-space values, channel-major [C, H, W]
	 * @param perChannel keep one slice per input channel; otherwise sum over channels (signed methods)
	 */
	static Attribution signed(final ExplainRequest request, final float[] values, final boolean perChannel, final String method,
		final int target, final float score, final float[] logits, final Map<String, String> params)
	{
		final int c = request.channels(), w = request.width(), h = request.height(), n = w * h;
		final float[] out = perChannel ? values.clone() : ChannelMaps.sum(values, c, n);
		return new Attribution(perChannel ? ArrayImgs.floats(out, w, h, c) : ArrayImgs.floats(out, w, h), method, target,
			request.className(target), score, logits, true, params).withPasses(1, 1); // one stage-wise forward (which gives the target) and backward
	}

	static double sum(final float[] v) {
		double s = 0;
		for (final float x : v) s += x;
		return s;
	}
}
