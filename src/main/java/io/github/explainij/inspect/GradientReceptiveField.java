package io.github.explainij.inspect;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

import io.github.explainij.ExplainException;
import io.github.explainij.model.InputTransform;
import io.github.explainij.model.MemoryBudget;
import io.github.explainij.model.Network;

import java.util.Random;

/**
 * The input rectangle that can influence one position of a stage, found from the gradient's support:
 * the bounding box of the input pixels where the gradient of {@code sum_c a[c, y, x]} is non-zero, over
 * {@link #PROBES} seeded random inputs (standard normal after the model's normalization) of the image's
 * size, one gradient pass each. Several inputs and all channels together make ReLU and max-pooling gates, which route the
 * gradient of one input through some pixels only, cover the whole field; for a convolutional network the
 * box is then the analytic receptive field (kernel sizes, strides, paddings), clipped to the image. It
 * works for any model with stages, whatever its layers, and for a fixed-size model it is in the raw
 * image's pixels (the gradient runs through the resize).
 */
public final class GradientReceptiveField {

	/** Random inputs whose gradient supports are joined. */
	public static final int PROBES = 4;

	/** Seed of the probes: the same field every run. */
	public static final long SEED = 20240517L;

	private GradientReceptiveField() {}

	/**
	 * @param transform the image's transform (raw values to network input)
	 * @return {x0, y0, x1, y1}, inclusive, within the image
	 */
	public static int[] of(final Network network, final int stage, final int channels, final int width, final int height,
		final InputTransform transform, final int y, final int x)
	{
		final float[] offset = transform.offset(), divisor = transform.divisor();
		final int n = width * height;
		// one probe per pass: the memory of one gradient pass of the image, refused clearly when even that does not fit
		MemoryBudget.requireOnePass(new MemoryBudget.Work(network, channels, 1, height, width), MemoryBudget.Pass.GRADIENT);
		final Random random = new Random(SEED);
		int x0 = width, y0 = height, x1 = -1, y1 = -1;
		for (int b = 0; b < PROBES; b++) {
			final float[] raw = new float[channels * n];
			for (int c = 0; c < channels; c++) {
				for (int i = 0; i < n; i++) raw[c * n + i] = (float) (offset[c] + divisor[c] * random.nextGaussian());
			}
			final float[] gradient = network.autograd((scope, collector) -> {
				final NDArray in = scope.create(raw, new Shape(1, channels, height, width));
				in.setRequiresGradient(true);
				final NDArray a = network.forwardLayers(transform.apply(in), 0, stage + 1, true);
				if (a.getShape().dimension() != 4) {
					throw new ExplainException("the stage '" + network.layerNames().get(stage) + "' has no spatial maps (its output is " +
						a.getShape().slice(1) + ")");
				}
				collector.backward(a.get(":, :, {}, {}", y, x).sum());
				return in.getGradient().toFloatArray();
			});
			for (int c = 0; c < channels; c++) {
				for (int i = 0; i < n; i++) {
					if (gradient[c * n + i] == 0) continue;
					final int px = i % width, py = i / width;
					x0 = Math.min(x0, px);
					x1 = Math.max(x1, px);
					y0 = Math.min(y0, py);
					y1 = Math.max(y1, py);
				}
			}
		}
		if (x1 < 0) return new int[] { 0, 0, width - 1, height - 1 }; // no gradient at all (a dead unit): the whole image
		return new int[] { x0, y0, x1, y1 };
	}
}
