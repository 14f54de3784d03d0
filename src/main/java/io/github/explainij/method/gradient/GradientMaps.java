package io.github.explainij.method.gradient;

import io.github.explainij.method.ChannelMaps;
import io.github.explainij.method.ExplainRequest;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.real.FloatType;

import java.util.Locale;

/**
 * What the gradient methods share besides batching: the map they return (per channel, or reduced over
 * channels by {@link ChannelMaps}) and numbers for the Info.
 */
final class GradientMaps {

	private GradientMaps() {}

	/**
	 * The map a method returns: the per-channel map itself ([X, Y, C]) when {@code perChannel}, else the
	 * channel sum (signed) or channel max of magnitudes (non-negative) as [X, Y].
	 */
	static RandomAccessibleInterval<FloatType> image(final float[] chw, final ExplainRequest request, final boolean perChannel,
		final boolean signed)
	{
		final int c = request.channels(), n = request.voxels();
		if (perChannel) return request.channelMap(chw);
		return request.mapOf(signed ? ChannelMaps.sum(chw, c, n) : ChannelMaps.maxAbs(chw, c, n), 1);
	}

	/** Numbers for the Info, reproducible across locales. */
	static String number(final double v) {
		return String.format(Locale.ROOT, "%.6g", v);
	}
}
