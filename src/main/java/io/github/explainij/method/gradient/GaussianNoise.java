package io.github.explainij.method.gradient;

import java.util.Random;

/**
 * The noise of SmoothGrad: Gaussian, zero mean, standard deviation {@code sigma} in raw intensity units,
 * added to the raw image. Drawn from one {@link java.util.Random} seeded once, sample after sample
 * (sample 0's values first, channel-major [C, H, W]), so a seed gives the same noisy images whatever
 * the batch size. {@code java.util.Random}'s algorithm is specified (48-bit LCG, polar Box-Muller in
 * {@code nextGaussian}), which lets the Python fixture script draw the very same noise.
 */
public final class GaussianNoise {

	private final Random random;
	private final double sigma;

	public GaussianNoise(final long seed, final double sigma) {
		this.random = new Random(seed);
		this.sigma = sigma;
	}

	/**
	 * Smilkov et al.'s noise level: a fraction of the image's intensity range (max - min over all
	 * pixels and channels).
	 */
	public static double sigma(final float[] pixels, final double fraction) {
		float min = Float.POSITIVE_INFINITY, max = Float.NEGATIVE_INFINITY;
		for (final float v : pixels) {
			min = Math.min(min, v);
			max = Math.max(max, v);
		}
		return pixels.length == 0 ? 0 : fraction * ((double) max - (double) min);
	}

	public double sigma() {
		return sigma;
	}

	/**
	 * Writes the next noisy copy of {@code x}: {@code dest[offset + j] = (float) (x[j] + sigma * N(0, 1))},
	 * computed in double and rounded once.
	 */
	public void next(final float[] x, final float[] dest, final int offset) {
		for (int j = 0; j < x.length; j++) dest[offset + j] = (float) (x[j] + sigma * random.nextGaussian());
	}
}
