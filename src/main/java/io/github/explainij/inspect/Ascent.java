package io.github.explainij.inspect;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

import io.github.explainij.ExplainException;
import io.github.explainij.image.ImagePlusAdapter;
import io.github.explainij.model.InputTransform;
import io.github.explainij.model.Network;
import io.github.explainij.target.Target;

/**
 * One gradient of gradient ascent on an image in network-input units (the sidecar's normalization
 * undone to raw pixel values, then the model's own {@link InputTransform}): the target's score of the
 * (jittered) image minus penalties, differentiated with respect to the optimized values (the image's
 * pixels, or its spectrum with a {@link FourierImage}). Shared by {@link ActivationMaximization} and
 * {@link DeepDream}; one model pass, native memory released in a {@link Network#autograd} scope.
 */
final class Ascent {

	/** The gradient of the optimized values and the target's score (before penalties). */
	static final class Gradient {

		final float[] gradient;
		final double score;

		Gradient(final float[] gradient, final double score) {
			this.gradient = gradient;
			this.score = score;
		}
	}

	private final Network network;
	private final Target target;
	private final InputTransform transform;
	private final int channels, height, width;

	Ascent(final Network network, final Target target, final InputTransform transform, final int channels, final int height, final int width) {
		this.network = network;
		this.target = target;
		this.transform = transform;
		this.channels = channels;
		this.height = height;
		this.width = width;
	}

	/** Raw pixel values of an image in network-input units, per channel: {@code v * divisor + offset}. */
	static float[][] toRaw(final float[] v, final InputTransform transform, final int channels, final int n) {
		final float[] off = transform.offset(), div = transform.divisor();
		final float[][] raw = new float[channels][n];
		for (int c = 0; c < channels; c++) {
			for (int i = 0; i < n; i++) raw[c][i] = v[c * n + i] * div[c] + off[c];
		}
		return raw;
	}

	/** An image's raw values in network-input units: {@code (raw - offset) / divisor}, as [C * n]. */
	static float[] fromRaw(final float[][] raw, final InputTransform transform) {
		final float[] off = transform.offset(), div = transform.divisor();
		final int n = raw[0].length;
		final float[] v = new float[raw.length * n];
		for (int c = 0; c < raw.length; c++) {
			for (int i = 0; i < n; i++) v[c * n + i] = (raw[c][i] - off[c]) / div[c];
		}
		return v;
	}

	/**
	 * @param values the optimized values: the image [C, H, W] in network-input units, or the spectrum of {@code fourier}
	 * @param fourier the frequency parameterization, or null for pixels
	 * @param dy vertical shift of the image before the model (jitter)
	 * @param dx horizontal shift
	 * @param l2Decay weight of the squared L2 norm of the image subtracted from the score
	 * @param tvWeight weight of its total variation subtracted from the score
	 */
	Gradient gradient(final float[] values, final FourierImage fourier, final int dy, final int dx, final double l2Decay,
		final double tvWeight)
	{
		return network.autograd((scope, collector) -> {
			final NDArray p = scope.create(values, fourier == null ? new Shape(1, channels, height, width) : fourier.spectrumShape());
			p.setRequiresGradient(true);
			final NDArray image = fourier == null ? p : fourier.image(p);
			final Shape perChannel = new Shape(1, channels, 1, 1);
			final NDArray raw = Regularizers.roll(image, dy, dx).mul(scope.create(transform.divisor(), perChannel))
				.add(scope.create(transform.offset(), perChannel));
			final NDArray score = target.score(network.output(transform.apply(raw), target, true)).sum();
			NDArray total = score;
			if (l2Decay != 0) total = total.sub(Regularizers.l2(image).mul(l2Decay));
			if (tvWeight != 0) total = total.sub(Regularizers.totalVariation(image).mul(tvWeight));
			collector.backward(total);
			final float[] g = p.getGradient().toFloatArray();
			for (final float v : g) {
				if (!Float.isFinite(v)) {
					throw new ExplainException("the gradient of " + target + " is NaN or infinite for this image: the optimization " +
						"diverged. Use a smaller step_size or fewer steps");
				}
			}
			return new Gradient(g, score.getFloat());
		});
	}

	/** The target's score of an image in network-input units [C, H, W], without gradient or jitter. */
	double score(final float[] image) {
		final float[][] raw = toRaw(image, transform, channels, height * width);
		return network.scores(ImagePlusAdapter.chw(raw), new Shape(1, channels, height, width), transform, target)[0];
	}
}
