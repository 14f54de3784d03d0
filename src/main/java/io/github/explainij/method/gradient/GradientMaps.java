package io.github.explainij.method.gradient;

import io.github.explainij.method.ExplainRequest;
import io.github.explainij.target.ScoreKind;
import io.github.explainij.target.TargetSpec;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.real.FloatType;

import java.util.Locale;

/**
 * What the gradient methods share besides batching: reducing a per-channel map [C, H, W] to a
 * per-pixel map as the project's convention says (signed maps: sum over channels; non-negative maps:
 * the largest magnitude, as the Saliency Map), wrapping it as an image, and scores.
 */
final class GradientMaps {

	private GradientMaps() {}

	/** Sum over channels of a channel-major map with {@code n} pixels per channel. */
	static float[] sumChannels(final float[] chw, final int channels, final int n) {
		final float[] out = new float[n];
		for (int k = 0; k < channels; k++) {
			for (int i = 0; i < n; i++) out[i] += chw[k * n + i];
		}
		return out;
	}

	/** Largest absolute value over channels. */
	static float[] maxAbsChannels(final float[] chw, final int channels, final int n) {
		final float[] out = new float[n];
		for (int k = 0; k < channels; k++) {
			for (int i = 0; i < n; i++) out[i] = Math.max(out[i], Math.abs(chw[k * n + i]));
		}
		return out;
	}

	/**
	 * The map a method returns: the per-channel map itself ([X, Y, C]) when {@code perChannel}, else the
	 * channel sum (signed) or channel max of magnitudes (non-negative) as [X, Y].
	 */
	static RandomAccessibleInterval<FloatType> image(final float[] chw, final ExplainRequest request, final boolean perChannel,
		final boolean signed)
	{
		final int c = request.channels(), w = request.width(), h = request.height();
		if (perChannel) return ArrayImgs.floats(chw, w, h, c);
		return ArrayImgs.floats(signed ? sumChannels(chw, c, w * h) : maxAbsChannels(chw, c, w * h), w, h);
	}

	/** The target's score (logit or probability) from a sample's logits. */
	static float score(final float[] logits, final int target, final ScoreKind kind) {
		return kind == ScoreKind.PROBABILITY ? TargetSpec.softmax(logits)[target] : logits[target];
	}

	/** Numbers for the Info, reproducible across locales. */
	static String number(final double v) {
		return String.format(Locale.ROOT, "%.6g", v);
	}
}
