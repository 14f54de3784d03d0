package io.github.explainij.method;

/**
 * Per-pixel maps from per-channel ones ({@code [C, H, W]}, channel-major, {@code n} pixels per
 * channel), as the project's convention says: signed methods sum over channels, non-negative ones
 * (|gradient|, as the Saliency Map) take the largest magnitude.
 */
public final class ChannelMaps {

	private ChannelMaps() {}

	/** Sum over channels. */
	public static float[] sum(final float[] chw, final int channels, final int n) {
		final float[] out = new float[n];
		for (int k = 0; k < channels; k++) {
			for (int i = 0; i < n; i++) out[i] += chw[k * n + i];
		}
		return out;
	}

	/** Largest absolute value over channels. */
	public static float[] maxAbs(final float[] chw, final int channels, final int n) {
		final float[] out = new float[n];
		for (int k = 0; k < channels; k++) {
			for (int i = 0; i < n; i++) out[i] = Math.max(out[i], Math.abs(chw[k * n + i]));
		}
		return out;
	}
}
