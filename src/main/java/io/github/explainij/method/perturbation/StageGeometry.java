package io.github.explainij.method.perturbation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import io.github.explainij.model.Network;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Where a convolution-like stage (conv, max or average pooling) reads its input, along one axis:
 * output {@code o} reads inputs {@code o * stride - padding .. o * stride - padding + kernel - 1}
 * (dilation shows as a larger kernel). TorchScript does not tell a stage's kernel, stride and
 * padding, so they are measured: one input position at a time is raised far above the rest, and the
 * outputs that change give, per position, the first and last output it reaches; the one (kernel,
 * stride, padding) that predicts exactly these reaches is the stage's geometry.
 */
final class StageGeometry {

	/** Probe inputs are at most this long along an axis (the geometry does not depend on the size). */
	static final int PROBE_LENGTH = 16;

	final int kernel;
	final int stride;
	final int padding;

	StageGeometry(final int kernel, final int stride, final int padding) {
		this.kernel = kernel;
		this.stride = stride;
		this.padding = padding;
	}

	/** An elementwise stage (ReLU, batch norm in eval mode): each output reads its own input. */
	static final StageGeometry ELEMENTWISE = new StageGeometry(1, 1, 0);

	/** The first output that input {@code a} reaches (before clamping to the output). */
	int firstReached(final int a) {
		return Math.floorDiv(a + padding - kernel + 1 + stride - 1, stride);
	}

	/** The last output that input {@code a} reaches (before clamping to the output). */
	int lastReached(final int a) {
		return Math.floorDiv(a + padding, stride);
	}

	/** The most outputs that {@code length} consecutive changed inputs reach, over every alignment. */
	int reach(final int length) {
		int most = 0;
		for (int a = 0; a < stride; a++) {
			final int base = a + kernel * stride; // away from 0, where nothing is clamped
			most = Math.max(most, lastReached(base + length - 1) - firstReached(base) + 1);
		}
		return most;
	}

	/**
	 * The first input of the patch that computes outputs from {@code firstOutput} on with real values:
	 * a multiple of the stride (so patch outputs fall on the stage's own output grid) at or before the
	 * first output's first input; with {@code cut}, not before 0 (the stage's own padding is then the
	 * real one), else possibly before the border (where a margin stands for the padding).
	 */
	int patchStart(final int firstOutput, final boolean cut) {
		final int start = firstOutput * stride - stride * Math.floorDiv(padding + stride - 1, stride);
		return cut ? Math.max(0, start) : start;
	}

	/** The last input of the patch that computes outputs up to {@code lastOutput}, not beyond {@code length - 1}. */
	int patchEnd(final int lastOutput, final int length) {
		return (int) Math.min(length - 1L, (long) lastOutput * stride - padding + kernel - 1);
	}

	/** Whether an input of {@code in} positions gives {@code out} outputs under this geometry (floor or ceil mode). */
	boolean gives(final int in, final int out) {
		final int span = in + 2 * padding - kernel;
		if (span < 0) return false;
		return span / stride + 1 == out || (span + stride - 1) / stride + 1 == out;
	}

	/**
	 * Measures the geometry of stage {@code stage} along y and x for an input of {@code channels} x
	 * {@code height} x {@code width}.
	 *
	 * @return {y, x}, or null when the stage does not behave as a convolution-like stage (its reaches
	 *         fit no kernel, stride and padding, or fit more than one)
	 */
	static StageGeometry[] measure(final Network network, final int stage, final int channels, final int height, final int width) {
		final int py = Math.min(height, PROBE_LENGTH), px = Math.min(width, PROBE_LENGTH);
		// probes 0 .. py-1 raise a position of the middle column, row by row; then px probes one of the middle row
		final int probes = py + px;
		final int plane = py * px, size = channels * plane;
		final float[] input = new float[(probes + 1) * size];
		final Random random = new Random(12);
		for (int i = 0; i < size; i++) input[i] = (float) random.nextGaussian();
		final float[] raise = new float[channels];
		for (int c = 0; c < channels; c++) raise[c] = 1000f * (1 + random.nextFloat());
		for (int t = 0; t < probes; t++) {
			final int offset = (t + 1) * size;
			System.arraycopy(input, 0, input, offset, size);
			final int y = t < py ? t : py / 2, x = t < py ? px / 2 : t - py;
			for (int c = 0; c < channels; c++) input[offset + c * plane + y * px + x] += raise[c];
		}
		final float[] out;
		final Shape shape;
		try (NDManager scope = network.manager().newSubManager()) {
			final NDArray o = network.forwardLayers(scope.create(input, new Shape(probes + 1, channels, py, px)), stage, stage + 1, false);
			shape = o.getShape();
			out = o.toFloatArray();
		}
		catch (final RuntimeException e) {
			return null; // the stage does not take a probe this small (a kernel larger than it): not measured
		}
		if (shape.dimension() != 4) return null;
		final int oc = (int) shape.get(1), oh = (int) shape.get(2), ow = (int) shape.get(3), outSize = oc * oh * ow;
		final int[] firstY = new int[py], lastY = new int[py], firstX = new int[px], lastX = new int[px];
		java.util.Arrays.fill(firstY, Integer.MAX_VALUE);
		java.util.Arrays.fill(lastY, -1);
		java.util.Arrays.fill(firstX, Integer.MAX_VALUE);
		java.util.Arrays.fill(lastX, -1);
		for (int t = 0; t < probes; t++) {
			for (int c = 0; c < oc; c++) {
				for (int y = 0; y < oh; y++) {
					for (int x = 0; x < ow; x++) {
						final int i = c * oh * ow + y * ow + x;
						final float base = out[i], probed = out[(t + 1) * outSize + i];
						if (Math.abs(probed - base) <= 1e-3f * (1 + Math.abs(base))) continue;
						if (t < py) {
							firstY[t] = Math.min(firstY[t], y);
							lastY[t] = Math.max(lastY[t], y);
						}
						else {
							firstX[t - py] = Math.min(firstX[t - py], x);
							lastX[t - py] = Math.max(lastX[t - py], x);
						}
					}
				}
			}
		}
		final StageGeometry gy = fit(firstY, lastY, oh), gx = fit(firstX, lastX, ow);
		return gy == null || gx == null ? null : new StageGeometry[] { gy, gx };
	}

	/**
	 * The one (kernel, stride, padding) whose reaches, clamped to {@code outLength} outputs, are the
	 * measured ones ({@code first[t] > last[t]}: input t reaches nothing), or null when none or several do.
	 * A dilated kernel's holes can make the first or last reached output near a border fall inside the
	 * clamped range: when no geometry gives the reaches exactly, one that gives them exactly wherever
	 * the reach lies inside the output (at least half of the probed inputs) and covers them at the
	 * borders is taken.
	 */
	static StageGeometry fit(final int[] first, final int[] last, final int outLength) {
		List<StageGeometry> found = candidates(first, last, outLength, false);
		if (found.isEmpty()) found = candidates(first, last, outLength, true);
		return found.size() == 1 ? found.get(0) : null; // several: too small a probe to tell
	}

	private static List<StageGeometry> candidates(final int[] first, final int[] last, final int outLength, final boolean covering) {
		final int length = first.length;
		final List<StageGeometry> found = new ArrayList<>();
		for (int kernel = 1; kernel <= length; kernel++) {
			for (int stride = 1; stride <= length; stride++) {
				for (int padding = 0; padding < kernel; padding++) {
					final StageGeometry g = new StageGeometry(kernel, stride, padding);
					if (g.gives(length, outLength) && g.predicts(first, last, outLength, covering)) found.add(g);
					if (found.size() > 1) return found;
				}
			}
		}
		return found;
	}

	/** Whether the measured reaches are this geometry's (see {@link #fit(int[], int[], int)}). */
	private boolean predicts(final int[] first, final int[] last, final int outLength, final boolean covering) {
		int inside = 0;
		for (int t = 0; t < first.length; t++) {
			final int f = Math.max(0, firstReached(t)), l = Math.min(outLength - 1, lastReached(t));
			final boolean reached = first[t] <= last[t];
			if (f > l) {
				if (reached) return false;
			}
			else if (!covering || firstReached(t) >= 0 && lastReached(t) < outLength) {
				if (first[t] != f || last[t] != l) return false;
				inside++;
			}
			else if (reached && (first[t] < f || last[t] > l)) return false;
		}
		return !covering || 2 * inside >= first.length;
	}

	@Override
	public String toString() {
		return "kernel " + kernel + ", stride " + stride + ", padding " + padding;
	}
}
