package io.github.explainij.method.gradient;

import io.github.explainij.ExplainException;
import io.github.explainij.image.ImagePlusAdapter;
import io.github.explainij.method.Attribution;
import io.github.explainij.method.AttributionMethod;
import io.github.explainij.method.Batching;
import io.github.explainij.method.ExplainRequest;
import io.github.explainij.model.MemoryBudget;
import io.github.explainij.method.Progress;

import net.imglib2.img.array.ArrayImgs;

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
 * <p>
 * Any other attribution method can be wrapped ({@link #SmoothGrad(int, double, Variant, AttributionMethod,
 * String, long, boolean)}), as Captum's {@code NoiseTunnel} wraps any attribution: each noisy copy is
 * explained by the wrapped method for the class resolved on the clean image (same score, region and
 * normalization), and the maps are combined as above, keeping the wrapped method's map shape and
 * channel handling. The noise is the same as for the gradient bases (same seed, same draws).
 */
public final class SmoothGrad implements AttributionMethod {

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
	/** A wrapped method, or null for the batched gradient bases. */
	private final AttributionMethod wrapped;
	private final String wrappedName;

	/**
	 * @param noise noise standard deviation as a fraction of the image's intensity range (0 = no noise)
	 * @param batchSize samples per forward/backward pass, 0 = automatic
	 */
	public SmoothGrad(final int samples, final double noise, final Variant variant, final Base base, final long seed,
		final boolean absolute, final int batchSize, final boolean perChannel)
	{
		this(samples, noise, variant, base, null, base == null ? null : base.key(), seed, absolute, batchSize, perChannel);
	}

	/**
	 * SmoothGrad over any attribution method (Captum's {@code NoiseTunnel(method)}).
	 *
	 * @param base the wrapped method, with its own parameters
	 * @param baseName its name, for the record (e.g. "integrated-gradients")
	 */
	public SmoothGrad(final int samples, final double noise, final Variant variant, final AttributionMethod base, final String baseName,
		final long seed, final boolean absolute)
	{
		this(samples, noise, variant, null, base, baseName, seed, absolute, 0, false);
	}

	private SmoothGrad(final int samples, final double noise, final Variant variant, final Base base, final AttributionMethod wrapped,
		final String baseName, final long seed, final boolean absolute, final int batchSize, final boolean perChannel)
	{
		if (samples < 1 || samples > MAX_SAMPLES) {
			throw new ExplainException("samples must be between 1 and " + MAX_SAMPLES + " (the paper uses 10 to 50), not " + samples);
		}
		if (!Double.isFinite(noise) || noise < 0) {
			throw new ExplainException("noise must be a fraction of the image's intensity range, 0 or more (e.g. 0.15), not " + noise);
		}
		if (variant == null || (base == null) == (wrapped == null)) throw new ExplainException("choose a variant and a base attribution");
		this.samples = samples;
		this.noise = noise;
		this.variant = variant;
		this.base = base;
		this.seed = seed;
		this.absolute = absolute;
		this.batchSize = Batching.checkRequested(batchSize);
		this.perChannel = perChannel;
		this.wrapped = wrapped;
		this.wrappedName = baseName;
	}

	@Override
	public Attribution explain(final ExplainRequest request) {
		if (wrapped != null) return explainWrapped(request);
		final int target = request.targetClass();
		final float[] x = request.pixels();
		final int size = x.length;
		final GaussianNoise generator = new GaussianNoise(seed, GaussianNoise.sigma(x, noise));
		final double[] sum = new double[size], sumSq = new double[size];
		final MemoryBudget.BatchChoice batches = GradientBatches.run(request, request.targetFunction(), samples, batchSize, (i, batch, offset) -> generator.next(x, batch, offset),
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
		params.put("batch_size", Batching.describe(batchSize, batches));
		params.put("per_channel", Boolean.toString(perChannel));
		final float[] logits = request.logits();
		return new Attribution(GradientMaps.image(combined, request, perChannel, signed), NAME, target, request.className(target),
			request.targetScore(), logits, signed, params)
				.withResult("noise_std", GradientMaps.number(generator.sigma()))
				.withPasses(1 + samples, samples); // the target pass + one gradient pass per noisy copy
	}

	/** The noise tunnel around any method: one explanation per noisy copy, combined value by value. */
	private Attribution explainWrapped(final ExplainRequest request) {
		final float[] x = request.pixels();
		final GaussianNoise generator = new GaussianNoise(seed, GaussianNoise.sigma(x, noise));
		final float[] noisy = new float[x.length];
		double[] sum = null, sumSq = null;
		Attribution first = null;
		long forward = 1, backward = 0;
		for (int s = 0; s < samples; s++) {
			generator.next(x, noisy, 0);
			final Attribution a = wrapped.explain(request.withPixels(noisy, request.progress().part(s, samples)));
			final float[] v = ImagePlusAdapter.toChw(a.map());
			if (first == null) {
				first = a;
				sum = new double[v.length];
				sumSq = new double[v.length];
			}
			for (int j = 0; j < v.length; j++) {
				final double value = absolute ? Math.abs(v[j]) : v[j];
				sum[j] += value;
				sumSq[j] += value * value;
			}
			forward += Long.parseLong(a.results().getOrDefault("forward_passes", "0"));
			backward += Long.parseLong(a.results().getOrDefault("backward_passes", "0"));
			if (request.progress().isCanceled()) throw new Progress.Cancelled();
		}
		final float[] combined = new float[sum.length];
		for (int j = 0; j < combined.length; j++) {
			final double mean = sum[j] / samples, meanSq = sumSq[j] / samples;
			combined[j] = (float) (variant == Variant.SMOOTHGRAD ? mean : variant == Variant.SMOOTHGRAD_SQ ? meanSq : meanSq - mean * mean);
		}
		final long[] dims = first.map().dimensionsAsLongArray();
		final boolean signed = variant == Variant.SMOOTHGRAD && !absolute && first.signed();
		final Map<String, String> params = new LinkedHashMap<>();
		params.put("variant", variant.key());
		params.put("base", wrappedName);
		for (final Map.Entry<String, String> p : first.parameters().entrySet()) params.put("base." + p.getKey(), p.getValue());
		params.put("samples", Integer.toString(samples));
		params.put("noise", String.format(Locale.ROOT, "%s", noise));
		params.put("seed", Long.toString(seed));
		params.put("absolute", Boolean.toString(absolute));
		final int target = request.targetClass();
		return new Attribution(ArrayImgs.floats(combined, dims), NAME, target, request.className(target),
			request.targetScore(), request.logits(), signed, params, Map.of(), first.sliceLabels())
				.withResult("noise_std", GradientMaps.number(generator.sigma()))
				.withPasses(forward, backward); // the target pass + the wrapped method's passes on every noisy copy
	}

	@Override
	public boolean supportsVolumes() {
		return wrapped == null || wrapped.supportsVolumes();
	}
}
