package io.github.explainij.inspect;

import io.github.explainij.ExplainException;
import io.github.explainij.image.BilinearWeights;
import io.github.explainij.method.Progress;
import io.github.explainij.model.InputTransform;
import io.github.explainij.model.Network;
import io.github.explainij.target.StageActivation;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * DeepDream as in Mordvintsev et al.'s deepdream notebook ({@code render_deepdream}): an image pyramid
 * ({@code octaves} levels, each {@code octave_scale} times smaller, sizes rounded down), ascent from the
 * smallest level up; at each level the detail the smaller level lacked ({@code level - upsample(smaller)})
 * is added back to the upsampled dream; each step shifts the image by a random jitter, takes the gradient
 * of the layer's mean squared activation and moves by {@code step_size / mean|g|} times the gradient.
 * <p>
 * Works in network-input units (the sidecar's normalization) and returns raw pixel values. Resizing is
 * PyTorch's bilinear {@code interpolate(align_corners=False)} (the notebook used TensorFlow's resize).
 */
public final class DeepDream {

	/** The smallest octave, in pixels: smaller images lose what the layer needs. */
	public static final int MIN_SIZE = 8;

	/** The dream (raw pixel values per channel) and the layer's score before and after. */
	public static final class Result {

		private final float[][] image;
		private final double start, end;
		private final double[] objective;

		Result(final float[][] image, final double start, final double end, final double[] objective) {
			this.image = image;
			this.start = start;
			this.end = end;
			this.objective = objective;
		}

		public float[][] image() { return image; }

		/** The layer's score on the source image. */
		public double objectiveStart() { return start; }

		/** The layer's score on the dream. */
		public double objectiveEnd() { return end; }

		/** The score at every step (each octave at its own size), octave after octave. */
		public double[] objective() { return objective; }
	}

	private DeepDream() {}

	/** The octave sizes, largest first: {@code int(float32(size) / float32(scale))} as the notebook. */
	public static List<int[]> octaveSizes(final int width, final int height, final int octaves, final double octaveScale) {
		if (octaves < 1) throw new ExplainException("octaves must be at least 1, not " + octaves);
		if (!(octaveScale > 1) || !Double.isFinite(octaveScale)) {
			throw new ExplainException("octave_scale must be larger than 1 (each octave that many times smaller; 1.4 is usual), not " + octaveScale);
		}
		final List<int[]> sizes = new ArrayList<>();
		sizes.add(new int[] { width, height });
		for (int i = 1; i < octaves; i++) {
			final int[] last = sizes.get(i - 1);
			final int w = (int) ((float) last[0] / (float) octaveScale), h = (int) ((float) last[1] / (float) octaveScale);
			if (w < MIN_SIZE || h < MIN_SIZE) {
				throw new ExplainException("octave " + (i + 1) + " of " + octaves + " would be " + w + " x " + h + " pixels, smaller than " +
					MIN_SIZE + ": use fewer octaves (at most " + i + ") or a smaller octave_scale");
			}
			sizes.add(new int[] { w, h });
		}
		return sizes;
	}

	/**
	 * @param raw the source image's raw planes [C][H * W]
	 * @param target the layer's mean squared activation ({@link StageActivation#layer})
	 */
	public static Result run(final Network network, final StageActivation target, final InputTransform transform, final float[][] raw,
		final int width, final int height, final int octaves, final double octaveScale, final int steps, final double stepSize,
		final int jitter, final long seed, final Progress progress)
	{
		if (steps <= 0) throw new ExplainException("steps must be at least 1 (steps per octave), not " + steps);
		if (!(stepSize > 0) || !Double.isFinite(stepSize)) throw new ExplainException("step_size must be a positive number, not " + stepSize);
		if (jitter < 0) throw new ExplainException("jitter must be 0 (none) or a number of pixels, not " + jitter);
		final int channels = raw.length;
		final List<int[]> sizes = octaveSizes(width, height, octaves, octaveScale);
		final float[] source = Ascent.fromRaw(raw, transform);
		final double start = new Ascent(network, target, transform, channels, height, width).score(source);
		// the pyramid: the details each level has above the next smaller one
		final List<float[]> details = new ArrayList<>();
		float[] img = source;
		for (int i = 1; i < octaves; i++) {
			final int[] big = sizes.get(i - 1), small = sizes.get(i);
			final float[] lo = resize(img, channels, big[0], big[1], small[0], small[1]);
			final float[] back = resize(lo, channels, small[0], small[1], big[0], big[1]);
			final float[] hi = new float[img.length];
			for (int k = 0; k < hi.length; k++) hi[k] = img[k] - back[k];
			details.add(hi);
			img = lo;
		}
		final Random random = new Random(seed);
		final double[] objective = new double[octaves * steps];
		for (int o = 0; o < octaves; o++) {
			final int level = octaves - 1 - o;
			final int[] size = sizes.get(level);
			if (o > 0) {
				final int[] smaller = sizes.get(level + 1);
				final float[] up = resize(img, channels, smaller[0], smaller[1], size[0], size[1]);
				final float[] hi = details.get(level);
				for (int k = 0; k < up.length; k++) up[k] += hi[k];
				img = up;
			}
			final Ascent ascent = new Ascent(network, target, transform, channels, size[1], size[0]);
			for (int s = 0; s < steps; s++) {
				progress.step(o * steps + s, octaves * steps);
				final int dy = jitter > 0 ? random.nextInt(2 * jitter + 1) - jitter : 0;
				final int dx = jitter > 0 ? random.nextInt(2 * jitter + 1) - jitter : 0;
				final Ascent.Gradient g = ascent.gradient(img, null, dy, dx, 0, 0);
				objective[o * steps + s] = g.score;
				double mean = 0;
				for (final float v : g.gradient) mean += Math.abs(v);
				mean /= g.gradient.length;
				final float factor = (float) (stepSize / (mean + 1e-7));
				final float[] next = img.clone();
				for (int k = 0; k < next.length; k++) next[k] += g.gradient[k] * factor;
				img = next;
			}
		}
		progress.step(octaves * steps, octaves * steps);
		final double end = new Ascent(network, target, transform, channels, height, width).score(img);
		return new Result(Ascent.toRaw(img, transform, channels, width * height), start, end, objective);
	}

	/** Bilinear resizing of each channel, PyTorch's {@code interpolate(mode="bilinear", align_corners=False)}. */
	static float[] resize(final float[] image, final int channels, final int w, final int h, final int w2, final int h2) {
		final float[] wy = BilinearWeights.matrix(h, h2), wx = BilinearWeights.matrix(w, w2);
		final float[] out = new float[channels * h2 * w2];
		final double[] rows = new double[h2 * w];
		for (int c = 0; c < channels; c++) {
			java.util.Arrays.fill(rows, 0);
			for (int j = 0; j < h2; j++) {
				for (int i = 0; i < h; i++) {
					final float a = wy[j * h + i];
					if (a == 0) continue;
					for (int x = 0; x < w; x++) rows[j * w + x] += a * image[(c * h + i) * w + x];
				}
			}
			for (int j = 0; j < h2; j++) {
				for (int x2 = 0; x2 < w2; x2++) {
					double v = 0;
					for (int x = 0; x < w; x++) v += wx[x2 * w + x] * rows[j * w + x];
					out[(c * h2 + j) * w2 + x2] = (float) v;
				}
			}
		}
		return out;
	}
}
