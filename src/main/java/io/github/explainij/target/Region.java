package io.github.explainij.target;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

import io.github.explainij.ExplainException;

import java.util.Arrays;
import java.util.Locale;

/**
 * Where a dense (segmentation) output is read: a mask over the image's pixels (non-zero = inside), or
 * the whole image, and whether a class's per-pixel scores are averaged over it (default, the "mean
 * region score") or summed (pytorch-grad-cam's {@code SemanticSegmentationTarget}). A classifier's
 * output [B, K] has no pixels: only the whole-image region applies to it.
 */
public final class Region {

	/** How per-pixel scores become one score. */
	public enum Reduce {
		MEAN, SUM;

		public static Reduce parse(final String s) {
			if (s == null || s.isBlank()) return MEAN;
			switch (s.trim().toLowerCase(Locale.ROOT)) {
				case "mean": return MEAN;
				case "sum": return SUM;
				default: throw new ExplainException("region_score must be mean or sum, not '" + s + "'");
			}
		}

		public String key() {
			return name().toLowerCase(Locale.ROOT);
		}
	}

	private final float[] mask;
	private final int[] shape;
	private final Reduce reduce;
	private final String name;
	private final int count;

	private Region(final float[] mask, final int[] shape, final Reduce reduce, final String name) {
		this.mask = mask;
		this.shape = shape;
		this.reduce = reduce;
		this.name = name;
		int n = 0;
		if (mask != null) for (final float v : mask) if (v != 0) n++;
		this.count = n;
	}

	/** The whole image. */
	public static Region whole(final Reduce reduce) {
		return new Region(null, null, reduce, "whole image");
	}

	/**
	 * @param mask non-zero inside, row-major over {@code shape}
	 * @param shape the mask's spatial shape, [H, W] or [D, H, W] (the image's)
	 * @param name what the region is, e.g. "selection" or "object 2 (label 5)"
	 * @throws ExplainException when the region is empty
	 */
	public static Region of(final float[] mask, final int[] shape, final Reduce reduce, final String name) {
		long n = 1;
		for (final int s : shape) n *= s;
		if (n != mask.length) throw new IllegalArgumentException("mask of " + mask.length + " values for shape " + Arrays.toString(shape));
		final float[] binary = new float[mask.length];
		for (int i = 0; i < mask.length; i++) binary[i] = mask[i] != 0 ? 1 : 0;
		final Region r = new Region(binary, shape.clone(), reduce, name);
		if (r.count == 0) throw new ExplainException("the region '" + name + "' contains no pixel: draw or choose a non-empty region");
		return r;
	}

	public boolean isWhole() { return mask == null; }

	public Reduce reduce() { return reduce; }

	public String name() { return name; }

	/** Pixels inside (0 for the whole image). */
	public int count() { return count; }

	/** The mask (1 inside, 0 outside), or null for the whole image; do not modify. */
	public float[] mask() { return mask; }

	/**
	 * Reduces per-pixel class scores [B, K, (D,) H, W] to [B, K]; [B, K] passes as it is when the region is
	 * the whole image. A mask of another size than the output (a model that resizes the image) is
	 * resampled to the output by nearest neighbour.
	 */
	public NDArray reduce(final NDArray perPixel) {
		final Shape s = perPixel.getShape();
		if (s.dimension() == 2) {
			if (mask != null) {
				throw new ExplainException("the model returns one score per class [B, K], not a map, so a region (" + name + ") " +
					"cannot select its pixels; explain objects of a classifier with per-object crops, or choose the whole image");
			}
			return perPixel;
		}
		final long b = s.get(0), k = s.get(1), n = s.size() / (b * k);
		final NDArray flat = perPixel.reshape(b, k, n);
		if (mask == null) return reduce == Reduce.SUM ? flat.sum(new int[] { 2 }) : flat.mean(new int[] { 2 });
		final float[] m = resampled(s);
		int inside = 0;
		for (final float v : m) if (v != 0) inside++;
		if (inside == 0) throw new ExplainException("the region '" + name + "' covers no pixel of the model's output " + s);
		final NDArray weights = perPixel.getManager().create(m, new Shape(1, 1, n));
		final NDArray summed = flat.mul(weights).sum(new int[] { 2 });
		return reduce == Reduce.SUM ? summed : summed.div(inside);
	}

	/** The mask at the output's spatial size (itself when the sizes agree). */
	private float[] resampled(final Shape out) {
		final int dims = out.dimension() - 2;
		final int[] target = new int[dims];
		for (int i = 0; i < dims; i++) target[i] = (int) out.get(i + 2);
		if (dims != shape.length) {
			throw new ExplainException("the region has " + shape.length + " dimensions but the model's output has " + dims +
				" spatial dimensions " + out);
		}
		if (Arrays.equals(target, shape)) return mask;
		final int n = (int) (out.size() / (out.get(0) * out.get(1)));
		final float[] m = new float[n];
		for (int i = 0; i < n; i++) {
			int rest = i, src = 0, stride = 1;
			final int[] idx = new int[dims];
			for (int d = dims - 1; d >= 0; d--) {
				idx[d] = rest % target[d];
				rest /= target[d];
			}
			for (int d = dims - 1; d >= 0; d--) {
				// nearest, as F.interpolate(mode="nearest"): floor(i * in / out)
				final int j = (int) Math.min(shape[d] - 1, (long) idx[d] * shape[d] / target[d]);
				src += j * stride;
				stride *= shape[d];
			}
			m[i] = mask[src];
		}
		return m;
	}
}
