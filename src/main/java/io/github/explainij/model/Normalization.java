package io.github.explainij.model;

import io.github.explainij.ExplainException;

import java.util.Arrays;
import java.util.Locale;

/**
 * How raw pixel values become the network's input. Parameters are in the image's raw intensity
 * units, so the transform is part of "the model as the user sees it" and gradients flow through it.
 * <p>
 * {@code percentile} bounds are statistics of the source image: they are computed once from the
 * source image and then held fixed (no gradient through them), for the image itself and for every
 * input derived from it (noisy copies, baselines, perturbations).
 */
public final class Normalization {

	public enum Type {
		NONE, RANGE, MEANSTD, PERCENTILE
	}

	private final Type type;
	private final double min;
	private final double max;
	private final double[] mean;
	private final double[] std;
	private final double low;
	private final double high;

	private Normalization(final Type type, final double min, final double max, final double[] mean,
		final double[] std, final double low, final double high)
	{
		this.type = type;
		this.min = min;
		this.max = max;
		this.mean = mean;
		this.std = std;
		this.low = low;
		this.high = high;
	}

	public static Normalization none() {
		return new Normalization(Type.NONE, 0, 0, null, null, 0, 0);
	}

	public static Normalization range(final double min, final double max) {
		if (!Double.isFinite(min) || !Double.isFinite(max)) {
			throw new ExplainException("normalize range needs finite min and max, got min=" + min + ", max=" + max);
		}
		if (!(max > min)) throw new ExplainException("normalize range needs max > min, got min=" + min + ", max=" + max);
		return new Normalization(Type.RANGE, min, max, null, null, 0, 0);
	}

	public static Normalization meanStd(final double[] mean, final double[] std) {
		if (mean.length == 0 || mean.length != std.length) {
			throw new ExplainException("normalize meanstd needs 'mean' and 'std' lists of the same, non-zero length");
		}
		for (final double m : mean) {
			if (!Double.isFinite(m)) throw new ExplainException("normalize meanstd needs finite means, got " + Arrays.toString(mean));
		}
		for (final double s : std) {
			if (!(s > 0) || !Double.isFinite(s)) throw new ExplainException("normalize meanstd needs every std > 0, got " + Arrays.toString(std));
		}
		return new Normalization(Type.MEANSTD, 0, 0, mean.clone(), std.clone(), 0, 0);
	}

	public static Normalization percentile(final double low, final double high) {
		if (!(low >= 0 && high <= 100 && low < high)) {
			throw new ExplainException("normalize percentile needs 0 <= low < high <= 100, got low=" + low + ", high=" + high);
		}
		return new Normalization(Type.PERCENTILE, 0, 0, null, null, low, high);
	}

	public Type type() {
		return type;
	}

	/**
	 * The per-channel affine map {@code x -> (x - offset[c]) * scale[c]} that this normalization
	 * applies to the given source image (channel-major planes).
	 *
	 * @param source raw pixel values, one array per channel
	 * @return {offset, scale}, each of length {@code source.length}
	 */
	public double[][] affineFor(final float[][] source) {
		final int c = source.length;
		final double[] offset = new double[c];
		final double[] scale = new double[c];
		switch (type) {
			case NONE:
				Arrays.fill(scale, 1);
				break;
			case RANGE:
				Arrays.fill(offset, min);
				Arrays.fill(scale, 1 / (max - min));
				break;
			case MEANSTD:
				if (mean.length != 1 && mean.length != c) {
					throw new ExplainException("the sidecar's normalize mean/std have " + mean.length +
						" values but the image has " + c + " channels");
				}
				for (int i = 0; i < c; i++) {
					offset[i] = mean[mean.length == 1 ? 0 : i];
					scale[i] = 1 / std[std.length == 1 ? 0 : i];
				}
				break;
			case PERCENTILE:
				int n = 0;
				for (final float[] plane : source) n += plane.length;
				final float[] all = new float[n];
				int at = 0;
				for (final float[] plane : source) {
					System.arraycopy(plane, 0, all, at, plane.length);
					at += plane.length;
				}
				Arrays.sort(all);
				final double lo = percentileOfSorted(all, low);
				final double hi = percentileOfSorted(all, high);
				final double divisor = hi == lo ? 1 : hi - lo;
				Arrays.fill(offset, lo);
				Arrays.fill(scale, 1 / divisor);
				break;
			default:
				throw new IllegalStateException(type.toString());
		}
		return new double[][] { offset, scale };
	}

	/** numpy.percentile's default ("linear") definition on sorted data (also the thresholds of network dissection). */
	public static double percentileOfSorted(final float[] sorted, final double percent) {
		final double pos = percent / 100.0 * (sorted.length - 1);
		final int i = (int) Math.floor(pos);
		if (i >= sorted.length - 1) return sorted[sorted.length - 1];
		final double frac = pos - i;
		return sorted[i] + frac * ((double) sorted[i + 1] - sorted[i]);
	}

	@Override
	public String toString() {
		switch (type) {
			case NONE: return "none";
			case RANGE: return String.format(Locale.ROOT, "range(min=%s, max=%s)", min, max);
			case MEANSTD: return "meanstd(mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + ")";
			case PERCENTILE: return String.format(Locale.ROOT, "percentile(low=%s, high=%s)", low, high);
			default: return type.toString();
		}
	}
}
