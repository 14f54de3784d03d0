package io.github.explainij.method;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

import io.github.explainij.ExplainException;
import io.github.explainij.image.ImagePlusAdapter;
import io.github.explainij.model.InputTransform;
import io.github.explainij.model.MemoryBudget;
import io.github.explainij.model.Network;
import io.github.explainij.target.ClassScore;
import io.github.explainij.target.Region;
import io.github.explainij.target.ScoreKind;
import io.github.explainij.target.Target;
import io.github.explainij.target.TargetSpec;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.real.FloatType;

/**
 * What every attribution method is given: the network, the image [X, Y, C] in raw values, and what is
 * explained: the class (predicted, an index or a name), the score kind, and for a segmentation network
 * the region its dense output is read over. Derived values (flat pixels, the input transform, the class
 * scores, the resolved {@link Target}) are computed once here, so methods share them.
 */
public final class ExplainRequest {

	private final Network network;
	private final RandomAccessibleInterval<FloatType> image;
	private final TargetSpec target;
	private final ScoreKind score;
	private final Region region;
	private final int width;
	private final int height;
	private final int channels;
	/** Z slices of a volume; 1 for an image. */
	private final int depth;
	private final boolean volume;
	private final float[] pixels;
	private final InputTransform transform;
	private final Progress progress;
	private float[] logits;
	private float[] classScores;
	private boolean dense;

	public ExplainRequest(final Network network, final RandomAccessibleInterval<FloatType> image, final TargetSpec target,
		final ScoreKind score)
	{
		this(network, image, target, score, Progress.NONE);
	}

	public ExplainRequest(final Network network, final RandomAccessibleInterval<FloatType> image, final TargetSpec target,
		final ScoreKind score, final Progress progress)
	{
		this(network, image, target, score, Region.whole(Region.Reduce.MEAN), progress);
	}

	/**
	 * @param region where a dense output is read (the whole image for a classifier)
	 */
	public ExplainRequest(final Network network, final RandomAccessibleInterval<FloatType> image, final TargetSpec target,
		final ScoreKind score, final Region region, final Progress progress)
	{
		this(network, image, ImagePlusAdapter.toChw(image), 1, false, target, score, region, progress, null);
		if (network.spec().isVolumetric()) {
			throw new ExplainException("the model " + network.spec().name() + " takes volumes (sidecar axes " +
				network.spec().axes() + "): explain a Z stack (its slices are the depth)");
		}
	}

	/**
	 * A request on a volume, for a volumetric model (sidecar {@code "axes": "bczyx"}).
	 *
	 * @param cdhw raw values, channel-major [C, D, H, W] (not copied: do not modify)
	 */
	public static ExplainRequest volume(final Network network, final float[] cdhw, final int width, final int height, final int depth,
		final int channels, final TargetSpec target, final ScoreKind score, final Region region, final Progress progress)
	{
		if (!network.spec().isVolumetric()) {
			throw new ExplainException("the model " + network.spec().name() + " takes 2D images; explain one plane, " +
				"or use planes=all for every slice (a 3D model declares \"axes\": \"bczyx\" in its sidecar's input)");
		}
		if (network.spec().hasFixedSize() && (network.spec().height() != height || network.spec().width() != width)) {
			throw new ExplainException("the 3D model " + network.spec().name() + " takes volumes of " + network.spec().width() +
				"x" + network.spec().height() + " pixels per slice, and volumes are not resized: this one is " + width + "x" + height);
		}
		return new ExplainRequest(network, ArrayImgs.floats(cdhw, width, height, depth, channels), cdhw, depth, true,
			target, score, region, progress, null);
	}

	private ExplainRequest(final Network network, final RandomAccessibleInterval<FloatType> image, final float[] pixels, final int depth,
		final boolean volume, final TargetSpec target, final ScoreKind score, final Region region, final Progress progress,
		final InputTransform transform)
	{
		this.depth = depth;
		this.volume = volume;
		this.region = region;
		this.progress = progress == null ? Progress.NONE : progress;
		this.network = network;
		this.image = image;
		this.target = target;
		this.score = score;
		this.width = (int) image.dimension(0);
		this.height = (int) image.dimension(1);
		this.channels = volume ? (int) image.dimension(3) : image.numDimensions() > 2 ? (int) image.dimension(2) : 1;
		this.pixels = pixels;
		if (transform != null) {
			this.transform = transform;
		}
		else {
			final int n = width * height * depth;
			final float[][] planes = new float[channels][];
			for (int k = 0; k < channels; k++) planes[k] = java.util.Arrays.copyOfRange(pixels, k * n, (k + 1) * n);
			this.transform = network.transformFor(planes);
		}
	}

	/**
	 * The same question about another image of the same shape (a noisy copy, a perturbed image): the
	 * target class resolved on this image, the same score and region, and this image's normalization
	 * (its statistics are not recomputed from the new pixels).
	 *
	 * @param raw raw values, channel-major [C, H, W] (copied)
	 */
	public ExplainRequest withPixels(final float[] raw, final Progress progressOfPart) {
		if (raw.length != pixels.length) throw new IllegalArgumentException(raw.length + " values for an image of " + pixels.length);
		final float[] copy = raw.clone();
		return new ExplainRequest(network, volume ? ArrayImgs.floats(copy, width, height, depth, channels)
			: ArrayImgs.floats(copy, width, height, channels), copy, depth, volume, TargetSpec.index(targetClass()),
			score, region, progressOfPart, transform);
	}

	public Network network() { return network; }

	/** Where long methods report progress; {@link Progress#step(int, int)} stops a cancelled run. */
	public Progress progress() { return progress; }

	public RandomAccessibleInterval<FloatType> image() { return image; }

	public TargetSpec target() { return target; }

	public ScoreKind score() { return score; }

	public int width() { return width; }

	public int height() { return height; }

	public int channels() { return channels; }

	/** Z slices of a volume; 1 for an image. */
	public int depth() { return depth; }

	/** Whether this is a volume for a 3D model ([B, C, D, H, W]). */
	public boolean isVolume() { return volume; }

	/** Pixels (voxels) per channel: width x height x depth. */
	public int voxels() { return width * height * depth; }

	/** The network input's shape for {@code batch} images: [B, C, H, W], or [B, C, D, H, W] for a volume. */
	public Shape inputShape(final int batch) {
		return volume ? new Shape(batch, channels, depth, height, width)
			: new Shape(batch, channels, height, width);
	}

	/** A per-channel map, always with its channel axis: [X, Y, C], or [X, Y, Z, C] for a volume (values channel-major). */
	public ArrayImg<FloatType, ?> channelMap(final float[] values) {
		if (values.length != voxels() * channels) throw new IllegalArgumentException(values.length + " values for " + channels + " x " + voxels());
		return volume ? ArrayImgs.floats(values, width, height, depth, channels)
			: ArrayImgs.floats(values, width, height, channels);
	}

	/**
	 * A map at the image's size from values in row-major order: [X, Y], or [X, Y, Z] for a volume; with
	 * {@code slices} > 1 one more axis for them ([X, Y, N] / [X, Y, Z, N], values slice-major).
	 */
	public ArrayImg<FloatType, ?> mapOf(final float[] values, final int slices) {
		if (values.length != voxels() * slices) throw new IllegalArgumentException(values.length + " values for " + slices + " x " + voxels());
		if (volume) {
			return slices == 1 ? ArrayImgs.floats(values, width, height, depth)
				: ArrayImgs.floats(values, width, height, depth, slices);
		}
		return slices == 1 ? ArrayImgs.floats(values, width, height)
			: ArrayImgs.floats(values, width, height, slices);
	}

	/** Raw pixels, channel-major [C, H, W]; do not modify. */
	public float[] pixels() { return pixels; }

	public InputTransform transform() { return transform; }

	/** Where a dense output is read; the whole image for a classifier. */
	public Region region() { return region; }

	/**
	 * The logit of every class for the image [K] (computed once, with {@link #classScores()}): a
	 * classifier's logits; for a segmentation network each class's logits reduced over the region.
	 */
	public float[] logits() {
		computeScores();
		return logits.clone();
	}

	/**
	 * The explained score (the request's kind: logit or probability) of every class for the image [K];
	 * {@code predicted} is the class with the highest one.
	 */
	public float[] classScores() {
		computeScores();
		return classScores.clone();
	}

	private void computeScores() {
		if (logits != null) return;
		requireMemory();
		final boolean[] denseOutput = new boolean[1];
		final float[] both = network.evaluate(pixels, inputShape(1), transform, out -> {
			denseOutput[0] = out.getShape().dimension() > 2;
			return bothScores(out);
		});
		takeScores(both, denseOutput[0]);
	}

	/**
	 * Refuses a run that cannot fit (see MemoryBudget): before the first model pass of every method, which
	 * is the class scores' pass, or the method's own pass when it gives them ({@link #scoresFrom}).
	 */
	public void requireMemory() {
		MemoryBudget.requireOnePass(memoryWork(), MemoryBudget.Pass.GRADIENT);
	}

	/**
	 * Takes the class scores ({@link #logits()}, {@link #classScores()}, the predicted class) from the
	 * network's output for this image computed by a pass the method makes anyway (the forward part of its
	 * gradient pass, its stage-wise forward), instead of a forward pass of their own; nothing when they are
	 * known already. The output must be the one {@code forward(x)} gives for this image: the same
	 * operations on the same values give the same numbers.
	 *
	 * @param output the network's output for this image, [1, K] or [1, K, (D,) H, W] (not modified)
	 * @return whether the scores were taken from it (false: they were known already)
	 */
	public boolean scoresFrom(final NDArray output) {
		if (logits != null) return false;
		final boolean dense = output.getShape().dimension() > 2;
		try (NDArray both = bothScores(output.stopGradient())) {
			takeScores(both.toFloatArray(), dense);
		}
		return true;
	}

	/**
	 * d target score / d raw pixel for this image [C, (D,) H, W], in one gradient pass whose forward also
	 * gives the class scores ({@link #scoresFrom}) when they are not known yet.
	 */
	public TargetGradient targetGradient() {
		requireMemory();
		final boolean[] ownPass = new boolean[1];
		final Network.ScoreGradient g = network.scoreGradientChoosing(pixels, inputShape(1), transform, output -> {
			ownPass[0] = scoresFrom(output);
			return targetFunction();
		});
		return new TargetGradient(g.gradient(), g.scores()[0], ownPass[0]);
	}

	/** The gradient of the target's score with respect to the raw pixels, and how many passes it took. */
	public static final class TargetGradient {

		private final float[] gradient;
		private final float score;
		private final boolean scoresFromThisPass;

		TargetGradient(final float[] gradient, final float score, final boolean scoresFromThisPass) {
			this.gradient = gradient;
			this.score = score;
			this.scoresFromThisPass = scoresFromThisPass;
		}

		/** d score / d raw pixel, channel-major [C, (D,) H, W]. */
		public float[] gradient() { return gradient; }

		/** The explained score of the target. */
		public float score() { return score; }

		/** Forward passes made for it: 1, or 2 when the request had made its own pass for the class scores. */
		public long forwardPasses() { return scoresFromThisPass ? 1 : 2; }
	}

	/** The logits and the explained scores of every class, [1, 2K]. */
	private NDArray bothScores(final NDArray out) {
		return ClassScore.classScores(out, ScoreKind.LOGIT, region).concat(ClassScore.classScores(out, score, region), 1);
	}

	private void takeScores(final float[] both, final boolean denseOutput) {
		final int k = both.length / 2;
		final float[] l = java.util.Arrays.copyOfRange(both, 0, k), c = java.util.Arrays.copyOfRange(both, k, 2 * k);
		for (final float v : c) {
			if (!Float.isFinite(v)) {
				throw new ExplainException("the model's output for this image is not finite (" + v +
					"): check the image and the sidecar's normalization");
			}
		}
		dense = denseOutput;
		logits = l;
		classScores = c;
	}

	/** Whether the network's output is dense ([B, K, (D,) H, W], a segmentation network) rather than [B, K]. */
	public boolean isDense() {
		computeScores();
		return dense;
	}

	/** This request's image and network, for memory estimates. */
	public MemoryBudget.Work memoryWork() {
		return new MemoryBudget.Work(network, channels, depth, height, width);
	}

	/** The resolved target class index. */
	public int targetClass() {
		return target.resolve(classScores(), network.spec().classes());
	}

	/** What is explained, as a score function: the target class's score over the region. */
	public ClassScore targetFunction() {
		return new ClassScore(targetClass(), score, region);
	}

	/** The explained score of the image itself. */
	public float targetScore() {
		return classScores()[targetClass()];
	}

	/** The explained score for another raw image of the same shape [C, H, W] (one forward pass). */
	public float targetScore(final float[] raw) {
		final ClassScore t = targetFunction();
		return network.evaluate(raw, inputShape(1), transform, t::score)[0];
	}

	public String className(final int index) {
		return network.spec().className(index);
	}
}
