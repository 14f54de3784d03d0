package io.github.explainij.method.perturbation;

import io.github.explainij.ExplainException;
import io.github.explainij.method.Baselines;

import java.util.Locale;

/**
 * What replaces the hidden pixels of a perturbed image, in RAW image space (before the model's
 * normalization), as Captum's {@code baselines} argument: {@code zero} (a black image), {@code mean}
 * (each channel's mean), {@code blur} (the image blurred, {@link Baselines#blur}), {@code value} (a
 * constant the user gives) and, for LIME, {@code segment_mean} (each superpixel's own mean colour, what
 * the lime package does with {@code hide_color=None}).
 */
public final class Fill {

	public static final String ZERO = Baselines.ZERO;
	public static final String MEAN = Baselines.MEAN;
	public static final String BLUR = Baselines.BLUR;
	public static final String VALUE = "value";
	public static final String SEGMENT_MEAN = "segment_mean";

	private final String kind;
	private final double value;

	private Fill(final String kind, final double value) {
		this.kind = kind;
		this.value = value;
	}

	/**
	 * @param kind zero, mean, blur, value (or segment_mean when {@code segments} is allowed)
	 * @param value the constant for {@code value}
	 */
	public static Fill parse(final String kind, final double value, final boolean segmentsAllowed) {
		final String k = kind == null ? "" : kind.trim().toLowerCase(Locale.ROOT);
		switch (k) {
			case ZERO: case MEAN: case BLUR: case VALUE: break;
			case SEGMENT_MEAN: if (segmentsAllowed) break;
			// fall through
			default:
				throw new ExplainException("fill must be zero, mean, blur" + (segmentsAllowed ? ", segment_mean" : "") + " or value, not '" + kind + "'");
		}
		if (k.equals(VALUE) && !Double.isFinite(value)) throw new ExplainException("fill_value must be a finite number, not " + value);
		return new Fill(k, value);
	}

	public String kind() { return kind; }

	public double value() { return value; }

	/** A description for the result's Info, e.g. "value 100" or "blur (sigma 5 px)". */
	@Override
	public String toString() {
		if (kind.equals(VALUE)) return "value " + value;
		if (kind.equals(BLUR)) return "blur (sigma " + Baselines.BLUR_SIGMA + " px)";
		return kind;
	}

	/**
	 * The fill image, [C, H, W] raw values.
	 *
	 * @param segments superpixel labels [H * W] (only for segment_mean), else null
	 */
	public float[] image(final float[] pixels, final int channels, final int w, final int h, final int[] segments) {
		switch (kind) {
			case VALUE: {
				final float[] out = new float[pixels.length];
				java.util.Arrays.fill(out, (float) value);
				return out;
			}
			case SEGMENT_MEAN: return segmentMean(pixels, channels, w * h, segments);
			default: return Baselines.of(kind, pixels, channels, w, h, 0);
		}
	}

	static float[] segmentMean(final float[] pixels, final int channels, final int n, final int[] segments) {
		int count = 0;
		for (final int s : segments) count = Math.max(count, s + 1);
		final float[] out = new float[pixels.length];
		final double[] sum = new double[count];
		final int[] size = new int[count];
		for (final int s : segments) size[s]++;
		for (int c = 0; c < channels; c++) {
			java.util.Arrays.fill(sum, 0);
			for (int i = 0; i < n; i++) sum[segments[i]] += pixels[c * n + i];
			for (int i = 0; i < n; i++) out[c * n + i] = (float) (sum[segments[i]] / size[segments[i]]);
		}
		return out;
	}
}
