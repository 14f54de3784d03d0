package io.github.explainij.method;

import io.github.explainij.image.ImagePlusAdapter;
import io.github.explainij.model.InputTransform;
import io.github.explainij.model.Network;
import io.github.explainij.target.ScoreKind;
import io.github.explainij.target.TargetSpec;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.real.FloatType;

/**
 * What every attribution method is given: the network, the image [X, Y, C] in raw values, the target
 * and the score. Derived values (flat pixels, the input transform, the resolved target) are computed
 * once here, so methods share them.
 */
public final class ExplainRequest {

	private final Network network;
	private final RandomAccessibleInterval<FloatType> image;
	private final TargetSpec target;
	private final ScoreKind score;
	private final int width;
	private final int height;
	private final int channels;
	private final float[] pixels;
	private final InputTransform transform;
	private final Progress progress;
	private float[] logits;

	public ExplainRequest(final Network network, final RandomAccessibleInterval<FloatType> image, final TargetSpec target,
		final ScoreKind score)
	{
		this(network, image, target, score, Progress.NONE);
	}

	public ExplainRequest(final Network network, final RandomAccessibleInterval<FloatType> image, final TargetSpec target,
		final ScoreKind score, final Progress progress)
	{
		this.progress = progress == null ? Progress.NONE : progress;
		this.network = network;
		this.image = image;
		this.target = target;
		this.score = score;
		this.width = (int) image.dimension(0);
		this.height = (int) image.dimension(1);
		this.channels = image.numDimensions() > 2 ? (int) image.dimension(2) : 1;
		this.pixels = ImagePlusAdapter.toChw(image);
		final int n = width * height;
		final float[][] planes = new float[channels][];
		for (int k = 0; k < channels; k++) planes[k] = java.util.Arrays.copyOfRange(pixels, k * n, (k + 1) * n);
		this.transform = network.transformFor(planes);
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

	/** Raw pixels, channel-major [C, H, W]; do not modify. */
	public float[] pixels() { return pixels; }

	public InputTransform transform() { return transform; }

	/** The model's logits for the image (computed once). */
	public float[] logits() {
		if (logits == null) {
			logits = network.logits(pixels, new ai.djl.ndarray.types.Shape(1, channels, height, width), transform);
		}
		return logits.clone();
	}

	/** The resolved target class index. */
	public int targetClass() {
		return target.resolve(logits(), network.spec().classes());
	}

	public String className(final int index) {
		return network.spec().className(index);
	}
}
