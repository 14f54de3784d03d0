package io.github.explainij.method.gradient;

import io.github.explainij.ExplainException;
import io.github.explainij.method.Attribution;
import io.github.explainij.method.Batching;
import io.github.explainij.method.ExplainRequest;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * SmoothGrad (Smilkov et al. 2017, <i>SmoothGrad: removing noise by adding noise</i>), as Captum's
 * {@code NoiseTunnel}: a gradient attribution is computed on {@code samples} noisy copies of the image
 * ({@code x + N(0, sigma^2)}, sigma = {@code noise} x (max - min) of the raw image, noise added in raw
 * space, the normalization's statistics kept from the source image) and combined:
 * <ul>
 * <li>{@code smoothgrad}: the mean of the sample attributions;</li>
 * <li>{@code smoothgrad_sq}: the mean of their squares;</li>
 * <li>{@code vargrad}: their variance, mean of squares minus squared mean (Adebayo et al. 2018).</li>
 * </ul>
 * The wrapped attribution is the gradient (Captum's {@code Saliency}) or gradient x input (Captum's
 * {@code InputXGradient}, of the noisy input). With {@code absolute}, each sample's attribution is
 * made absolute before combining, as Captum's {@code Saliency(abs=True)} inside a NoiseTunnel; without
 * it (the default) raw gradients are averaged, as in the SmoothGrad paper. A signed result (smoothgrad
 * without absolute) is summed over channels; a non-negative one takes the largest channel value, as
 * the Saliency Map does.
 */
public final class SmoothGrad {

	public static final String NAME = "SmoothGrad";

	/** How the sample attributions are combined (Captum's {@code nt_type}). */
	public enum Variant {
		SMOOTHGRAD("smoothgrad"), SMOOTHGRAD_SQ("smoothgrad_sq"), VARGRAD("vargrad");

		private final String key;

		Variant(final String key) {
			this.key = key;
		}

		public String key() {
			return key;
		}

		public static Variant parse(final String text) {
			for (final Variant v : values()) {
				if (v.key.equalsIgnoreCase(text == null ? "" : text.trim())) return v;
			}
			throw new ExplainException("variant must be smoothgrad, smoothgrad_sq or vargrad, not '" + text + "'");
		}
	}

	/** The attribution averaged over noisy copies. */
	public enum Base {
		/** The gradient, Captum's Saliency. */
		SALIENCY("saliency"),
		/** Gradient times the (noisy) input, Captum's InputXGradient. */
		GRADIENT_X_INPUT("gradient-x-input");

		private final String key;

		Base(final String key) {
			this.key = key;
		}

		public String key() {
			return key;
		}

		public static Base parse(final String text) {
			for (final Base b : values()) {
				if (b.key.equalsIgnoreCase(text == null ? "" : text.trim())) return b;
			}
			throw new ExplainException("base must be saliency or gradient-x-input, not '" + text + "'");
		}
	}

	/** More samples than this is a typing error, not a wish (the paper uses up to 100). */
	public static final int MAX_SAMPLES = 100_000;

	private final int samples;
	private final double noise;
	private final Variant variant;
	private final Base base;
	private final long seed;
	private final boolean absolute;
	private final int batchSize;
	private final boolean perChannel;

	/**
	 * @param noise noise standard deviation as a fraction of the image's intensity range (0 = no noise)
	 * @param batchSize samples per forward/backward pass, 0 = automatic
	 */
	public SmoothGrad(final int samples, final double noise, final Variant variant, final Base base, final long seed,
		final boolean absolute, final int batchSize, final boolean perChannel)
	{
		if (samples < 1 || samples > MAX_SAMPLES) {
			throw new ExplainException("samples must be between 1 and " + MAX_SAMPLES + " (the paper uses 10 to 50), not " + samples);
		}
		if (!Double.isFinite(noise) || noise < 0) {
			throw new ExplainException("noise must be a fraction of the image's intensity range, 0 or more (e.g. 0.15), not " + noise);
		}
		if (variant == null || base == null) throw new ExplainException("choose a variant and a base attribution");
		this.samples = samples;
		this.noise = noise;
		this.variant = variant;
		this.base = base;
		this.seed = seed;
		this.absolute = absolute;
		this.batchSize = Batching.checkRequested(batchSize);
		this.perChannel = perChannel;
	}

	public Attribution explain(final ExplainRequest request) {
		final int target = request.targetClass();
		final float[] x = request.pixels();
		final int size = x.length;
		final GaussianNoise generator = new GaussianNoise(seed, GaussianNoise.sigma(x, noise));
		final double[] sum = new double[size], sumSq = new double[size];
		GradientBatches.run(request, request.targetFunction(), samples, batchSize, (i, batch, offset) -> generator.next(x, batch, offset),
			(i, inputs, gradient, offset, score) -> {
				for (int j = 0; j < size; j++) {
					float a = gradient[offset + j];
					if (base == Base.GRADIENT_X_INPUT) a *= inputs[offset + j];
					if (absolute) a = Math.abs(a);
					sum[j] += a;
					sumSq[j] += (double) a * a;
				}
			});
		final float[] combined = new float[size];
		for (int j = 0; j < size; j++) {
			final double mean = sum[j] / samples, meanSq = sumSq[j] / samples;
			combined[j] = (float) (variant == Variant.SMOOTHGRAD ? mean : variant == Variant.SMOOTHGRAD_SQ ? meanSq : meanSq - mean * mean);
		}
		final boolean signed = variant == Variant.SMOOTHGRAD && !absolute;
		final Map<String, String> params = new LinkedHashMap<>();
		params.put("variant", variant.key());
		params.put("base", base.key());
		params.put("samples", Integer.toString(samples));
		params.put("noise", String.format(Locale.ROOT, "%s", noise));
		params.put("seed", Long.toString(seed));
		params.put("absolute", Boolean.toString(absolute));
		params.put("batch_size", Integer.toString(batchSize));
		params.put("per_channel", Boolean.toString(perChannel));
		final float[] logits = request.logits();
		return new Attribution(GradientMaps.image(combined, request, perChannel, signed), NAME, target, request.className(target),
			request.targetScore(), logits, signed, params)
				.withResult("noise_std", GradientMaps.number(generator.sigma()))
				.withPasses(1 + samples, samples); // the target pass + one gradient pass per noisy copy
	}
}
