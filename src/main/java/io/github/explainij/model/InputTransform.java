package io.github.explainij.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

import io.github.explainij.image.BilinearWeights;

/**
 * Raw pixel values to network input: the sidecar's normalization (fixed for one source image), then,
 * for a model with a fixed input size, bilinear resizing exactly as PyTorch's
 * {@code interpolate(mode="bilinear", align_corners=False)}. Built from NDArray operations, so
 * autograd runs through it and attributions are with respect to the raw pixels at the image's own size.
 */
public final class InputTransform {

	private final float[] offset;
	private final float[] divisor;
	private final int channels;
	private final int targetHeight;
	private final int targetWidth;

	InputTransform(final double[] offset, final double[] scale, final int targetHeight, final int targetWidth) {
		this.channels = offset.length;
		this.offset = new float[channels];
		this.divisor = new float[channels];
		for (int c = 0; c < channels; c++) {
			this.offset[c] = (float) offset[c];
			this.divisor[c] = (float) (1 / scale[c]);
		}
		this.targetHeight = targetHeight;
		this.targetWidth = targetWidth;
	}

	public int channels() {
		return channels;
	}

	/** Per-channel offsets subtracted from raw values. */
	public float[] offset() {
		return offset.clone();
	}

	/** Per-channel divisors applied after the offset. */
	public float[] divisor() {
		return divisor.clone();
	}

	/**
	 * @param raw raw pixel values, shape [B, C, H, W] (or a volume [B, C, D, H, W], never resized), on the network's device
	 * @return the network input [B, C, H', W'], where (H', W') is the model's fixed size if it has one
	 */
	public NDArray apply(final NDArray raw) {
		// [1, C, 1, 1] for images [B, C, H, W], [1, C, 1, 1, 1] for volumes [B, C, D, H, W]
		final long[] perChannel = new long[raw.getShape().dimension()];
		java.util.Arrays.fill(perChannel, 1);
		perChannel[1] = channels;
		final NDArray off = raw.getManager().create(offset, new Shape(perChannel));
		final NDArray div = raw.getManager().create(divisor, new Shape(perChannel));
		NDArray x = raw.sub(off).div(div);
		if (raw.getShape().dimension() != 4) return x; // volumes are taken at their own size (Network.transformFor)
		final long h = raw.getShape().get(2);
		final long w = raw.getShape().get(3);
		if (targetHeight > 0 && (h != targetHeight || w != targetWidth)) {
			// DJL's native interpolate antialiases when shrinking; PyTorch's default (and the sidecar's
			// contract) does not, so the resize is written as two matrix products.
			final NDArray wh = raw.getManager().create(BilinearWeights.matrix((int) h, targetHeight), new Shape(targetHeight, h));
			final NDArray wwT = raw.getManager().create(BilinearWeights.matrix((int) w, targetWidth), new Shape(targetWidth, w))
				.transpose();
			x = wh.matMul(x.matMul(wwT));
		}
		return x;
	}
}
