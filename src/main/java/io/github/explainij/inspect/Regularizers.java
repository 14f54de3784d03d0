package io.github.explainij.inspect;

import ai.djl.ndarray.NDArray;

/**
 * The image priors of activation maximization and DeepDream: penalties that autograd differentiates
 * (total variation, L2), a Gaussian blur applied between steps, and the circular shift of jitter.
 * Images are [1, C, H, W].
 */
public final class Regularizers {

	private Regularizers() {}

	/**
	 * Total variation, the sum of absolute differences of vertically and horizontally neighbouring pixels
	 * ({@code tf.image.total_variation}, Lucid's {@code objectives.total_variation}).
	 */
	public static NDArray totalVariation(final NDArray image) {
		final NDArray dy = image.get(":, :, 1:, :").sub(image.get(":, :, :-1, :")).abs().sum();
		final NDArray dx = image.get(":, :, :, 1:").sub(image.get(":, :, :, :-1")).abs().sum();
		return dy.add(dx);
	}

	/** The squared L2 norm, the sum of squared pixel values (Simonyan et al.'s {@code ||I||^2}). */
	public static NDArray l2(final NDArray image) {
		return image.square().sum();
	}

	/**
	 * The image shifted circularly by (dy, dx) pixels, as {@code torch.roll(image, (dy, dx), (2, 3))} and
	 * {@code np.roll}: pixel (y, x) moves to (y + dy, x + dx) modulo the size.
	 */
	public static NDArray roll(final NDArray image, final int dy, final int dx) {
		NDArray a = image;
		final long h = a.getShape().get(2), w = a.getShape().get(3);
		final long sy = Math.floorMod(dy, h), sx = Math.floorMod(dx, w);
		if (sy != 0) a = a.get(":, :, {}:, :", h - sy).concat(a.get(":, :, :{}, :", h - sy), 2);
		if (sx != 0) a = a.get(":, :, :, {}:", w - sx).concat(a.get(":, :, :, :{}", w - sx), 3);
		return a;
	}

	/**
	 * A Gaussian blur of each channel as {@code scipy.ndimage.gaussian_filter(plane, sigma)}: separable,
	 * kernel radius {@code int(4 sigma + 0.5)}, borders mirrored ({@code mode="reflect"}: d c b a | a b c d).
	 *
	 * @param image [C, H, W] row-major; not modified
	 * @return the blurred image
	 */
	public static float[] gaussianBlur(final float[] image, final int channels, final int height, final int width, final double sigma) {
		if (sigma <= 0) return image.clone();
		final int radius = (int) (4 * sigma + 0.5);
		final double[] k = new double[2 * radius + 1];
		double sum = 0;
		for (int i = -radius; i <= radius; i++) {
			k[i + radius] = Math.exp(-0.5 * i * i / (sigma * sigma));
			sum += k[i + radius];
		}
		for (int i = 0; i < k.length; i++) k[i] /= sum;
		final float[] out = new float[image.length];
		final double[] tmp = new double[height * width];
		for (int c = 0; c < channels; c++) {
			final int o = c * height * width;
			for (int y = 0; y < height; y++) {
				for (int x = 0; x < width; x++) {
					double v = 0;
					for (int i = -radius; i <= radius; i++) v += k[i + radius] * image[o + y * width + reflect(x + i, width)];
					tmp[y * width + x] = v;
				}
			}
			for (int y = 0; y < height; y++) {
				for (int x = 0; x < width; x++) {
					double v = 0;
					for (int i = -radius; i <= radius; i++) v += k[i + radius] * tmp[reflect(y + i, height) * width + x];
					out[o + y * width + x] = (float) v;
				}
			}
		}
		return out;
	}

	/** scipy's "reflect" border: the index mirrored about the edge, the edge pixel repeated. */
	static int reflect(int i, final int n) {
		final int period = 2 * n;
		i = Math.floorMod(i, period);
		return i < n ? i : period - 1 - i;
	}
}
