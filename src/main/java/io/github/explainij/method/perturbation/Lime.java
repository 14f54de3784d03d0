package io.github.explainij.method.perturbation;

import io.github.explainij.ExplainException;
import io.github.explainij.method.Attribution;
import io.github.explainij.method.AttributionMethod;
import io.github.explainij.method.Batching;
import io.github.explainij.method.ExplainRequest;
import io.github.explainij.model.MemoryBudget;

import net.imglib2.img.array.ArrayImgs;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * LIME for images (Ribeiro, Singh and Guestrin, <i>"Why Should I Trust You?"</i>, KDD 2016), as the
 * {@code lime} package's {@code LimeImageExplainer}:
 * <ul>
 * <li>superpixels by {@link Slic};</li>
 * <li>{@code samples} binary vectors z (one bit per superpixel): the first is all ones (the image
 * itself), the others uniform random bits from {@code seed}; superpixels with bit 0 are hidden, i.e.
 * replaced by the fill (default {@code segment_mean}: each superpixel's own mean, what lime does with
 * {@code hide_color=None});</li>
 * <li>weights {@code sqrt(exp(-d^2 / kernel_width^2))} with d the cosine distance of z to all ones;</li>
 * <li>a weighted ridge regression ({@link WeightedRidge}, alpha 1, with intercept) of the target's score
 * on z, over all superpixels (lime's default {@code num_features=100000});</li>
 * <li>the map: each pixel gets its superpixel's coefficient (signed). The top {@code features}
 * superpixels are those with the largest positive coefficients, as lime's
 * {@code get_image_and_mask(positive_only=True)}.</li>
 * </ul>
 */
public final class Lime implements AttributionMethod {

	public static final String NAME = "LIME";

	/** The L2 penalty of lime's default regressor, {@code Ridge(alpha=1)}. */
	public static final double ALPHA = 1.0;

	private final Slic slic;
	private final int samples;
	private final double kernelWidth;
	private final int features;
	private final long seed;
	private final Fill fill;
	private final int batchSize;
	private final double alpha;

	public Lime(final Slic slic, final int samples, final double kernelWidth, final int features, final long seed, final Fill fill,
		final int batchSize)
	{
		this(slic, samples, kernelWidth, features, seed, fill, batchSize, ALPHA);
	}

	Lime(final Slic slic, final int samples, final double kernelWidth, final int features, final long seed, final Fill fill,
		final int batchSize, final double alpha)
	{
		if (samples < 2) throw new ExplainException("samples must be at least 2 (1000 is usual), not " + samples);
		if (!(kernelWidth > 0) || !Double.isFinite(kernelWidth)) throw new ExplainException("kernel_width must be positive (lime: 0.25), not " + kernelWidth);
		if (features < 0) throw new ExplainException("features (how many superpixels to show) must be 0 or more, not " + features);
		this.slic = slic;
		this.samples = samples;
		this.kernelWidth = kernelWidth;
		this.features = features;
		this.seed = seed;
		this.fill = fill;
		this.batchSize = Batching.checkRequested(batchSize);
		this.alpha = alpha;
	}

	/** LIME's output: the map, the superpixels, their coefficients and the top ones. */
	public static final class Result {

		private final Attribution attribution;
		private final int[] segments;
		private final double[] weights;
		private final int[] top;

		Result(final Attribution attribution, final int[] segments, final double[] weights, final int[] top) {
			this.attribution = attribution;
			this.segments = segments;
			this.weights = weights;
			this.top = top;
		}

		public Attribution attribution() { return attribution; }

		/** Superpixel label of each pixel, [H * W] row-major. */
		public int[] segments() { return segments.clone(); }

		/** Regression coefficient of each superpixel. */
		public double[] weights() { return weights.clone(); }

		/** The top superpixels (largest positive coefficients first). */
		public int[] top() { return top.clone(); }
	}

	@Override
	public Attribution explain(final ExplainRequest request) {
		return explainWithSegments(request).attribution();
	}

	/** LIME on SLIC superpixels of the request's image. */
	public Result explainWithSegments(final ExplainRequest request) {
		return explain(request, slic.segment(request.pixels(), request.channels(), request.width(), request.height()));
	}

	/**
	 * LIME on a given segmentation.
	 *
	 * @param segments a label 0 .. count-1 for every pixel, [H * W] row-major
	 */
	public Result explain(final ExplainRequest request, final int[] segments) {
		final int c = request.channels(), h = request.height(), w = request.width(), n = w * h;
		if (segments.length != n) throw new ExplainException("the segmentation has " + segments.length + " labels for " + n + " pixels");
		final int f = Slic.count(segments);
		final int target = request.targetClass();
		final float[] pixels = request.pixels();
		final float[] fillImage = fill.image(pixels, c, w, h, segments);
		// lime: data = randint(0, 2, (samples, features)); data[0, :] = 1
		final float[] z = new float[samples * f];
		final Random random = new Random(seed);
		for (int i = 0; i < samples * f; i++) z[i] = i < f ? 1 : random.nextBoolean() ? 1 : 0;
		final double[] y = new double[samples];
		final BatchedScores.Sampler sampler = (index, buffer, offset) -> {
			final int o = index * f;
			PixelChunks.forEach(n, (from, to) -> {
				for (int k = 0; k < c; k++) {
					for (int i = from; i < to; i++) {
						final int p = k * n + i;
						buffer[offset + p] = z[o + segments[i]] != 0 ? pixels[p] : fillImage[p];
					}
				}
			});
		};
		final BatchedScores.Sink sink = (first, count, scores, probabilities) -> {
			for (int i = 0; i < count; i++) y[first + i] = scores[i];
		};
		final MemoryBudget.BatchChoice batches = BatchedScores.choice(request, batchSize, samples);
		final int batch = batches.batch();
		BatchedScores.run(request, samples, batch, sampler, sink);
		final double[] weight = new double[samples];
		for (int i = 0; i < samples; i++) weight[i] = kernel(cosineDistanceToOnes(z, i * f, f), kernelWidth);
		final WeightedRidge fit = WeightedRidge.fit(z, f, y, weight, alpha);
		final double[] beta = fit.coefficients();
		final float[] map = new float[n];
		for (int i = 0; i < n; i++) map[i] = (float) beta[segments[i]];
		final int[] top = top(beta, features);

		final Map<String, String> params = new LinkedHashMap<>();
		params.put("segments", Integer.toString(slic.segments()));
		params.put("compactness", Double.toString(slic.compactness()));
		params.put("samples", Integer.toString(samples));
		params.put("kernel_width", Double.toString(kernelWidth));
		params.put("features", Integer.toString(features));
		params.put("seed", Long.toString(seed));
		params.put("fill", fill.toString());
		params.put("batch_size", Batching.describe(batchSize, batches));
		final Map<String, String> results = new LinkedHashMap<>();
		results.put("superpixels", Integer.toString(f));
		final StringBuilder t = new StringBuilder();
		for (final int s : top) t.append(t.length() == 0 ? "" : ",").append(s).append(':').append(String.format(Locale.ROOT, "%.6g", beta[s]));
		results.put("top_superpixels", t.length() == 0 ? "none" : t.toString());
		results.put("intercept", String.format(Locale.ROOT, "%.6g", fit.intercept()));
		results.put("fit_r2", String.format(Locale.ROOT, "%.4f", fit.r2()));
		results.put("forward_passes", Integer.toString(samples + 1));
		final Attribution a = new Attribution(ArrayImgs.floats(map, w, h), NAME, target, request.className(target),
			request.targetScore(), request.logits(), true, params, results, null);
		return new Result(a, segments, beta, top);
	}

	/** Cosine distance of the binary row z[o .. o+f) to the all-ones vector (1 for an all-zero row, as sklearn). */
	static double cosineDistanceToOnes(final float[] z, final int o, final int f) {
		int ones = 0;
		for (int j = 0; j < f; j++) if (z[o + j] != 0) ones++;
		return ones == 0 ? 1 : 1 - ones / (Math.sqrt(ones) * Math.sqrt(f));
	}

	/** lime's kernel: sqrt(exp(-d^2 / width^2)). */
	static double kernel(final double d, final double width) {
		return Math.sqrt(Math.exp(-d * d / (width * width)));
	}

	/** Up to {@code k} superpixels with positive coefficients, largest first. */
	static int[] top(final double[] beta, final int k) {
		final List<Integer> order = new ArrayList<>();
		for (int i = 0; i < beta.length; i++) if (beta[i] > 0) order.add(i);
		order.sort(Comparator.comparingDouble((Integer i) -> -beta[i]));
		return order.stream().limit(k).mapToInt(Integer::intValue).toArray();
	}
}
