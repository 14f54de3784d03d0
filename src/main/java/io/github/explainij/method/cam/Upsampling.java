package io.github.explainij.method.cam;

import io.github.explainij.image.BilinearWeights;

/**
 * Bilinear resizing of a single-channel map, row-major [h, w] -> [H, W], as a separable product of
 * 1-D interpolation matrices ({@code Wh . M . Ww^T}).
 */
public final class Upsampling {

	private Upsampling() {}

	/**
	 * PyTorch's {@code F.interpolate(mode="bilinear", align_corners=False)}: how a class activation map
	 * at a layer's resolution is brought to the image's size (Captum's LayerAttribution.interpolate with
	 * bilinear mode).
	 */
	public static float[] bilinear(final float[] map, final int h, final int w, final int outH, final int outW) {
		return resize(map, h, w, outH, outW, BilinearWeights.matrix(h, outH), BilinearWeights.matrix(w, outW));
	}

	/**
	 * PyTorch's {@code F.interpolate(mode="trilinear", align_corners=False)} of a volume [d, h, w] to
	 * [outD, outH, outW]: bilinear within each slice, then linear along z (the same 1-D weights).
	 */
	public static float[] trilinear(final float[] map, final int d, final int h, final int w, final int outD, final int outH,
		final int outW)
	{
		final int plane = h * w, outPlane = outH * outW;
		final float[][] slices = new float[d][];
		for (int z = 0; z < d; z++) {
			slices[z] = bilinear(java.util.Arrays.copyOfRange(map, z * plane, (z + 1) * plane), h, w, outH, outW);
		}
		final float[] wz = BilinearWeights.matrix(d, outD);
		final float[] out = new float[outD * outPlane];
		for (int z = 0; z < outD; z++) {
			for (int k = 0; k < d; k++) {
				final float weight = wz[z * d + k];
				if (weight == 0) continue;
				for (int i = 0; i < outPlane; i++) out[z * outPlane + i] += weight * slices[k][i];
			}
		}
		return out;
	}

	/**
	 * PyTorch's {@code nn.UpsamplingBilinear2d} (bilinear with {@code align_corners=True}), which
	 * pytorch-grad-cam's ScoreCAM uses to bring activation channels to the network input's size.
	 */
	public static float[] bilinearAlignCorners(final float[] map, final int h, final int w, final int outH, final int outW) {
		return resize(map, h, w, outH, outW, alignCornersMatrix(h, outH), alignCornersMatrix(w, outW));
	}

	/**
	 * PyTorch's {@code F.interpolate(mode="nearest")}: output sample j copies input
	 * {@code min(floor(j * in / out), in - 1)} (in single precision, as libtorch computes it). Captum's
	 * GuidedGradCam upsamples its Grad-CAM map this way by default.
	 */
	public static float[] nearest(final float[] map, final int h, final int w, final int outH, final int outW) {
		return resize(map, h, w, outH, outW, nearestMatrix(h, outH), nearestMatrix(w, outW));
	}

	static float[] nearestMatrix(final int in, final int out) {
		final float[] m = new float[out * in];
		final float scale = (float) in / out;
		for (int j = 0; j < out; j++) m[j * in + Math.min((int) Math.floor(j * scale), in - 1)] = 1;
		return m;
	}

	/** Row-major [out, in]: output sample j reads input position j * (in - 1) / (out - 1). */
	static float[] alignCornersMatrix(final int in, final int out) {
		final float[] m = new float[out * in];
		final double scale = out > 1 ? (double) (in - 1) / (out - 1) : 0;
		for (int j = 0; j < out; j++) {
			final double src = j * scale;
			final int i0 = Math.min((int) Math.floor(src), in - 1);
			final int i1 = Math.min(i0 + 1, in - 1);
			final double lambda = src - i0;
			m[j * in + i0] += (float) (1 - lambda);
			m[j * in + i1] += (float) lambda;
		}
		return m;
	}

	private static float[] resize(final float[] map, final int h, final int w, final int outH, final int outW,
		final float[] wh, final float[] ww)
	{
		// Separable: rows first, tmp[h, outW] = M . Ww^T, then out[outH, outW] = Wh . tmp. Each row of an
		// interpolation matrix has at most two non-zero weights, so only those are visited (the skipped
		// terms are exact zeros: the sums are the same as with the dense product).
		final Sparse cols = new Sparse(ww, outW, w);
		final Sparse rows = new Sparse(wh, outH, h);
		final double[] tmp = new double[h * outW];
		for (int y = 0; y < h; y++) {
			for (int j = 0; j < outW; j++) {
				double s = 0;
				for (int k = cols.start[j]; k < cols.start[j + 1]; k++) s += (double) cols.weight[k] * map[y * w + cols.index[k]];
				tmp[y * outW + j] = s;
			}
		}
		final float[] out = new float[outH * outW];
		for (int i = 0; i < outH; i++) {
			for (int j = 0; j < outW; j++) {
				double s = 0;
				for (int k = rows.start[i]; k < rows.start[i + 1]; k++) s += (double) rows.weight[k] * tmp[rows.index[k] * outW + j];
				out[i * outW + j] = (float) s;
			}
		}
		return out;
	}

	/** The non-zero entries of a row-major [out, in] matrix, row by row, in column order. */
	private static final class Sparse {

		final int[] start;
		final int[] index;
		final float[] weight;

		Sparse(final float[] m, final int out, final int in) {
			start = new int[out + 1];
			int n = 0;
			for (final float v : m) if (v != 0) n++;
			index = new int[n];
			weight = new float[n];
			int k = 0;
			for (int j = 0; j < out; j++) {
				start[j] = k;
				for (int i = 0; i < in; i++) {
					if (m[j * in + i] != 0) {
						index[k] = i;
						weight[k++] = m[j * in + i];
					}
				}
			}
			start[out] = k;
		}
	}
}
