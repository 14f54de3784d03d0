package io.github.explainij.inspect;

import ai.djl.ndarray.NDArray;

/**
 * The image priors of activation maximization and DeepDream: penalties that autograd differentiates
 * (total variation, L2) and the circular shift of jitter. Images are [1, C, H, W]. The blur between
 * steps is {@link io.github.explainij.method.Baselines#blur}.
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
}
