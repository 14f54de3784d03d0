package io.github.explainij.method;

import io.github.explainij.ExplainException;

import java.util.Random;

/**
 * Reference images in raw image space, for methods that compare the image with "absence of signal"
 * (Integrated Gradients, DeepLIFT, occlusion fills). Every baseline has the image's shape, channel
 * major [C, H, W].
 * <ul>
 * <li>{@code zero}: a black image (raw value 0, not normalized 0);</li>
 * <li>{@code mean}: every pixel the channel's mean;</li>
 * <li>{@code blur}: the image blurred by a Gaussian of {@link #BLUR_SIGMA} px per channel, borders
 * clamped (an "uninformative" version that keeps the intensity distribution);</li>
 * <li>{@code noise}: Gaussian noise with the channel's mean and standard deviation, from a seed.</li>
 * </ul>
 */
public final class Baselines {

	public static final String ZERO = "zero";
	public static final String MEAN = "mean";
	public static final String BLUR = "blur";
	public static final String NOISE = "noise";

	/** Sigma of the blur baseline, in pixels. */
	public static final double BLUR_SIGMA = 5.0;

	private Baselines() {}

	/** The named baseline for the request's image (or volume: the blur is planar and refused there). */
	public static float[] of(final String kind, final ExplainRequest request, final long seed) {
		if (request.isVolume() && BLUR.equals(kind == null ? "" : kind.trim().toLowerCase())) {
			throw new ExplainException("the blur baseline is planar; for a volume choose zero, mean or noise");
		}
		// a volume's slices are stacked planes for the per-channel statistics of mean and noise
		return of(kind, request.pixels(), request.channels(), request.width(), request.height() * request.depth(), seed);
	}

	/** The named baseline for an image of {@code channels} planes of {@code w x h}. */
	public static float[] of(final String kind, final float[] image, final int channels, final int w, final int h, final long seed) {
		switch (kind == null ? "" : kind.trim().toLowerCase()) {
			case ZERO: return new float[image.length];
			case MEAN: return mean(image, channels, w * h);
			case BLUR: return blur(image, channels, w, h, BLUR_SIGMA);
			case NOISE: return noise(image, channels, w * h, seed);
			default: throw new ExplainException("baseline must be zero, mean, blur or noise, not '" + kind + "'");
		}
	}

	static float[] mean(final float[] image, final int channels, final int n) {
		final float[] out = new float[image.length];
		for (int c = 0; c < channels; c++) {
			double sum = 0;
			for (int i = 0; i < n; i++) sum += image[c * n + i];
			java.util.Arrays.fill(out, c * n, (c + 1) * n, (float) (sum / n));
		}
		return out;
	}

	static float[] noise(final float[] image, final int channels, final int n, final long seed) {
		final Random random = new Random(seed);
		final float[] out = new float[image.length];
		for (int c = 0; c < channels; c++) {
			double sum = 0, sq = 0;
			for (int i = 0; i < n; i++) {
				sum += image[c * n + i];
				sq += (double) image[c * n + i] * image[c * n + i];
			}
			final double mean = sum / n, std = Math.sqrt(Math.max(0, sq / n - mean * mean));
			for (int i = 0; i < n; i++) out[c * n + i] = (float) (mean + std * random.nextGaussian());
		}
		return out;
	}

	/** Separable Gaussian blur per channel, radius ceil(3 sigma), borders clamped. */
	public static float[] blur(final float[] image, final int channels, final int w, final int h, final double sigma) {
		final int r = (int) Math.ceil(3 * sigma);
		final double[] k = new double[2 * r + 1];
		double sum = 0;
		for (int i = -r; i <= r; i++) sum += k[i + r] = Math.exp(-i * i / (2 * sigma * sigma));
		for (int i = 0; i < k.length; i++) k[i] /= sum;
		final float[] out = new float[image.length];
		final double[] tmp = new double[w * h];
		for (int c = 0; c < channels; c++) {
			final int o = c * w * h;
			for (int y = 0; y < h; y++) {
				for (int x = 0; x < w; x++) {
					double v = 0;
					for (int d = -r; d <= r; d++) v += k[d + r] * image[o + y * w + Math.min(w - 1, Math.max(0, x + d))];
					tmp[y * w + x] = v;
				}
			}
			for (int y = 0; y < h; y++) {
				for (int x = 0; x < w; x++) {
					double v = 0;
					for (int d = -r; d <= r; d++) v += k[d + r] * tmp[Math.min(h - 1, Math.max(0, y + d)) * w + x];
					out[o + y * w + x] = (float) v;
				}
			}
		}
		return out;
	}
}
