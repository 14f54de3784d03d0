package io.github.explainij.inspect;

import io.github.explainij.ExplainException;
import io.github.explainij.method.Baselines;
import io.github.explainij.method.Progress;
import io.github.explainij.model.InputTransform;
import io.github.explainij.model.Network;
import io.github.explainij.target.Target;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Activation maximization (Erhan et al. 2009; class model visualization, Simonyan et al. 2014): plain
 * gradient ascent on an image to raise a target's score (a class logit, a channel's mean activation,
 * one neuron, a layer's mean square), with priors that combine: L2 decay and total variation subtracted
 * from the score, a Gaussian blur every k steps (Yosinski et al. 2015; {@link Baselines#blur}), random jitter (a circular shift
 * of the image before each model pass, seeded) and Lucid's decorrelated frequency parameterization
 * ({@link FourierImage}).
 * <p>
 * The image is optimized in network-input units (after the sidecar's normalization: for a mean/std
 * normalization, 1 is one standard deviation), so {@code step_size} and the weights do not depend on
 * the image's bit depth; every image handed out is in raw pixel units. One step is
 * {@code p <- p + step_size * d(score - l2_decay ||I||^2 - tv_weight TV(I)) / dp}.
 */
public final class ActivationMaximization {

	/** Where the ascent starts. */
	public enum Init { NOISE, CONSTANT, IMAGE }

	/**
	 * The standard deviation of the starting noise, in network-input units (half a standard deviation of a
	 * mean/std normalization). Lucid starts from 0.01 on [0, 1] images; on these networks so faint a start
	 * leaves the ReLUs nearly dead and the gradient tiny.
	 */
	public static final double NOISE_SD = 0.5;

	/** How the ascent runs; validated once when built. */
	public static final class Settings {

		final int steps;
		final double stepSize, l2Decay, tvWeight, blurSigma, decayPower;
		final int blurEvery, jitter, recordEvery;
		final boolean fft;
		final Init init;
		final long seed;

		/**
		 * @param blurEvery blur every this many steps (0: never)
		 * @param jitter the largest shift in pixels (0: none)
		 * @param fft Lucid's frequency parameterization instead of pixels
		 * @param recordEvery a trajectory frame every this many steps (0: only the start and the end)
		 */
		public Settings(final int steps, final double stepSize, final double l2Decay, final double tvWeight, final int blurEvery,
			final double blurSigma, final int jitter, final boolean fft, final double decayPower, final Init init, final long seed,
			final int recordEvery)
		{
			if (steps <= 0) throw new ExplainException("steps must be at least 1, not " + steps);
			if (!(stepSize > 0) || !Double.isFinite(stepSize)) throw new ExplainException("step_size must be a positive number, not " + stepSize);
			if (!(l2Decay >= 0) || !Double.isFinite(l2Decay)) throw new ExplainException("l2_decay must be 0 or more, not " + l2Decay);
			if (!(tvWeight >= 0) || !Double.isFinite(tvWeight)) throw new ExplainException("tv_weight must be 0 or more, not " + tvWeight);
			if (blurEvery < 0) throw new ExplainException("blur_every must be 0 (no blur) or a number of steps, not " + blurEvery);
			if (blurEvery > 0 && !(blurSigma > 0)) throw new ExplainException("blur_sigma must be a positive number of pixels when blur_every > 0, not " + blurSigma);
			if (jitter < 0) throw new ExplainException("jitter must be 0 (none) or a number of pixels, not " + jitter);
			if (!(decayPower >= 0) || !Double.isFinite(decayPower)) throw new ExplainException("decay_power must be 0 or more, not " + decayPower);
			if (recordEvery < 0) throw new ExplainException("record_every must be 0 (start and end only) or a number of steps, not " + recordEvery);
			this.steps = steps;
			this.stepSize = stepSize;
			this.l2Decay = l2Decay;
			this.tvWeight = tvWeight;
			this.blurEvery = blurEvery;
			this.blurSigma = blurSigma;
			this.jitter = jitter;
			this.fft = fft;
			this.decayPower = decayPower;
			this.init = init;
			this.seed = seed;
			this.recordEvery = recordEvery;
		}
	}

	/** What the ascent produced. Images are raw pixel values [C][H * W]. */
	public static final class Result {

		private final float[][] image;
		private final List<float[][]> frames;
		private final List<Integer> frameSteps;
		private final double[] objective;
		private final double start, end;

		Result(final float[][] image, final List<float[][]> frames, final List<Integer> frameSteps, final double[] objective,
			final double start, final double end)
		{
			this.image = image;
			this.frames = frames;
			this.frameSteps = frameSteps;
			this.objective = objective;
			this.start = start;
			this.end = end;
		}

		/** The final image, raw pixel values per channel. */
		public float[][] image() { return image; }

		/** The recorded images of the trajectory (the start, every record_every steps, the end). */
		public List<float[][]> frames() { return frames; }

		/** The step of each frame (0 = the start). */
		public List<Integer> frameSteps() { return frameSteps; }

		/** The target's score at each step (of the image the step differentiated, jitter included), then at the end: steps + 1 values. */
		public double[] objective() { return objective; }

		/** The score of the starting image (no jitter). */
		public double objectiveStart() { return start; }

		/** The score of the final image (no jitter). */
		public double objectiveEnd() { return end; }
	}

	private ActivationMaximization() {}

	/**
	 * @param transform raw values to network input (from the source image: its normalization is kept fixed)
	 * @param start the starting image's raw planes (init = image), else null
	 * @param width the image's width (the start's, when init = image)
	 */
	public static Result run(final Network network, final Target target, final InputTransform transform, final float[][] start,
		final int channels, final int width, final int height, final Settings s, final Progress progress)
	{
		final int n = width * height;
		final Random random = new Random(s.seed);
		final float[] image; // network-input units, [C, H, W]; the same start for both parameterizations
		if (s.init == Init.IMAGE) {
			if (start == null) throw new IllegalArgumentException("init = image needs the start image");
			image = Ascent.fromRaw(start, transform);
		}
		else {
			image = new float[channels * n];
			if (s.init == Init.NOISE) for (int i = 0; i < image.length; i++) image[i] = (float) (NOISE_SD * random.nextGaussian());
		}
		final FourierImage fourier = s.fft ? new FourierImage(channels, height, width, s.decayPower) : null;
		float[] values = fourier == null ? image : fourier.spectrumOf(image); // what is optimized
		final Ascent ascent = new Ascent(network, target, transform, channels, height, width);
		final List<float[][]> frames = new ArrayList<>();
		final List<Integer> frameSteps = new ArrayList<>();
		final double[] objective = new double[s.steps + 1];
		float[] current = fourier == null ? values : fourier.image(values);
		final double startScore = ascent.score(current);
		frames.add(Ascent.toRaw(current, transform, channels, n));
		frameSteps.add(0);
		for (int step = 0; step < s.steps; step++) {
			progress.step(step, s.steps);
			final int dy = s.jitter > 0 ? random.nextInt(2 * s.jitter + 1) - s.jitter : 0;
			final int dx = s.jitter > 0 ? random.nextInt(2 * s.jitter + 1) - s.jitter : 0;
			final Ascent.Gradient g = ascent.gradient(values, fourier, dy, dx, s.l2Decay, s.tvWeight);
			objective[step] = g.score;
			final float[] next = values.clone();
			for (int i = 0; i < next.length; i++) next[i] += (float) (s.stepSize * g.gradient[i]);
			values = next;
			if (s.blurEvery > 0 && (step + 1) % s.blurEvery == 0) {
				final float[] blurred = Baselines.blur(fourier == null ? values : fourier.image(values), channels, width, height, s.blurSigma);
				values = fourier == null ? blurred : fourier.spectrumOf(blurred);
			}
			if (s.recordEvery > 0 && (step + 1) % s.recordEvery == 0 && step + 1 < s.steps) {
				frames.add(Ascent.toRaw(fourier == null ? values : fourier.image(values), transform, channels, n));
				frameSteps.add(step + 1);
			}
		}
		progress.step(s.steps, s.steps);
		current = fourier == null ? values : fourier.image(values);
		final double endScore = ascent.score(current);
		objective[s.steps] = endScore;
		final float[][] result = Ascent.toRaw(current, transform, channels, n);
		frames.add(result);
		frameSteps.add(s.steps);
		return new Result(result, frames, frameSteps, objective, startScore, endScore);
	}
}
