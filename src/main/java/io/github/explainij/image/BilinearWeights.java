package io.github.explainij.image;

/**
 * The matrix of 1-D linear interpolation from {@code in} samples to {@code out} samples, with PyTorch's
 * {@code interpolate(mode="bilinear", align_corners=False)} convention (no antialiasing): output sample
 * {@code j} reads input position {@code (j + 0.5) * in / out - 0.5}, clamped at the borders. A 2-D
 * bilinear resize is {@code Wh . X . Ww^T}, which autograd differentiates exactly.
 */
public final class BilinearWeights {

	private BilinearWeights() {}

	/** Row-major [out, in]. */
	public static float[] matrix(final int in, final int out) {
		final float[] w = new float[out * in];
		final double scale = (double) in / out;
		for (int j = 0; j < out; j++) {
			double src = (j + 0.5) * scale - 0.5;
			if (src < 0) src = 0;
			int i0 = (int) Math.floor(src);
			if (i0 > in - 1) i0 = in - 1;
			final int i1 = Math.min(i0 + 1, in - 1);
			final double lambda = src - i0;
			w[j * in + i0] += (float) (1 - lambda);
			w[j * in + i1] += (float) lambda;
		}
		return w;
	}
}
