package io.github.explainij.method.perturbation;

import io.github.explainij.ExplainException;
import io.github.explainij.method.Attribution;
import io.github.explainij.method.AttributionMethod;
import io.github.explainij.method.Batching;
import io.github.explainij.method.ExplainRequest;

import net.imglib2.img.array.ArrayImgs;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Occlusion sensitivity (Zeiler and Fergus, <i>Visualizing and Understanding Convolutional Networks</i>,
 * ECCV 2014), computed exactly as Captum's {@code Occlusion} with
 * {@code sliding_window_shapes=(C, window, window)}, {@code strides=(C, stride, stride)} and
 * {@code baselines} = the fill image:
 * <ul>
 * <li>window positions along each axis are {@code 0, stride, 2 stride, ...}, {@code ceil((L - window) / stride) + 1}
 * of them, so the last window may stick out of the image; it is cut at the border (Captum pads its
 * window mask with a negative amount);</li>
 * <li>an occluded copy has the window's pixels (all channels) replaced by the fill image;</li>
 * <li>each pixel gets the mean of {@code score(x) - score(occluded)} over the windows that cover it
 * (Captum's FeatureAblation sums the drops and divides by the per-pixel count). Since stride must not
 * exceed the window, every pixel is covered at least once.</li>
 * </ul>
 * Besides the map, the classic view of the paper: the target's class probability with the window at
 * each position ({@link Result#windowMap()}, one value per window position).
 */
public final class OcclusionSensitivity implements AttributionMethod {

	public static final String NAME = "Occlusion Sensitivity";

	private final int window;
	private final int stride;
	private final Fill fill;
	private final int batchSize;

	/**
	 * @param window side of the square window, in pixels
	 * @param stride step between window positions, in pixels (at most the window)
	 * @param batchSize occluded images per forward pass, 0 = automatic
	 */
	public OcclusionSensitivity(final int window, final int stride, final Fill fill, final int batchSize) {
		if (window < 1) throw new ExplainException("window must be at least 1 pixel, not " + window);
		if (stride < 1) throw new ExplainException("stride must be at least 1 pixel, not " + stride);
		if (stride > window) {
			throw new ExplainException("stride (" + stride + " px) must not exceed the window (" + window +
				" px), or some pixels would never be occluded (as Captum requires)");
		}
		this.window = window;
		this.stride = stride;
		this.fill = fill;
		this.batchSize = Batching.checkRequested(batchSize);
	}

	/** The window's side, in pixels. */
	public int window() { return window; }

	/** The step between window positions, in pixels. */
	public int stride() { return stride; }

	/** Window positions along an axis of length {@code length} (Captum's shift count). */
	public static int positions(final int length, final int window, final int stride) {
		return (int) Math.ceil((length - window) / (double) stride) + 1;
	}

	/** The occlusion map and the per-window probability map. */
	public static final class Result {

		private final Attribution attribution;
		private final float[] windowMap;
		private final int columns;
		private final int rows;

		Result(final Attribution attribution, final float[] windowMap, final int columns, final int rows) {
			this.attribution = attribution;
			this.windowMap = windowMap;
			this.columns = columns;
			this.rows = rows;
		}

		public Attribution attribution() { return attribution; }

		/** The target's probability with the window at (column, row): index row * columns + column. */
		public float[] windowMap() { return windowMap.clone(); }

		public int columns() { return columns; }

		public int rows() { return rows; }
	}

	@Override
	public Attribution explain(final ExplainRequest request) {
		return explainWithWindows(request).attribution();
	}

	public Result explainWithWindows(final ExplainRequest request) {
		final int c = request.channels(), h = request.height(), w = request.width();
		if (window > w || window > h) {
			throw new ExplainException("the window (" + window + " px) is larger than the image (" + w + "x" + h + "); choose a smaller window");
		}
		final int target = request.targetClass();
		final float[] pixels = request.pixels();
		final float[] fillImage = fill.image(pixels, c, w, h, null);
		final int columns = positions(w, window, stride), rows = positions(h, window, stride);
		final int total = columns * rows;
		final float base = request.targetScore();
		final double[] sum = new double[w * h];
		final int[] count = new int[w * h];
		final float[] windowMap = new float[total];
		final int n = w * h;
		final BatchedScores.Sampler sampler = (index, buffer, offset) -> {
			System.arraycopy(pixels, 0, buffer, offset, pixels.length);
			final int x0 = index % columns * stride, y0 = index / columns * stride;
			final int x1 = Math.min(w, x0 + window), y1 = Math.min(h, y0 + window);
			for (int k = 0; k < c; k++) {
				for (int y = y0; y < y1; y++) {
					final int row = k * n + y * w;
					System.arraycopy(fillImage, row + x0, buffer, offset + row + x0, x1 - x0);
				}
			}
		};
		final BatchedScores.Sink sink = (first, cnt, scores, probabilities) -> {
			for (int i = 0; i < cnt; i++) {
				final int index = first + i;
				windowMap[index] = probabilities[i];
				final double drop = (double) base - scores[i];
				final int x0 = index % columns * stride, y0 = index / columns * stride;
				final int x1 = Math.min(w, x0 + window), y1 = Math.min(h, y0 + window);
				for (int y = y0; y < y1; y++) {
					for (int x = x0; x < x1; x++) {
						sum[y * w + x] += drop;
						count[y * w + x]++;
					}
				}
			}
		};
		final int batch = BatchedScores.batchSize(request, batchSize, total);
		BatchedScores.run(request, total, batch, sampler, sink);
		final float[] map = new float[n];
		for (int i = 0; i < n; i++) map[i] = count[i] == 0 ? 0 : (float) (sum[i] / count[i]);
		final Map<String, String> params = new LinkedHashMap<>();
		params.put("window", Integer.toString(window));
		params.put("stride", Integer.toString(stride));
		params.put("fill", fill.toString());
		params.put("batch_size", batchSize == 0 ? "auto (" + batch + ")" : Integer.toString(batchSize));
		final Map<String, String> results = new LinkedHashMap<>();
		results.put("window_positions", columns + "x" + rows);
		results.put("forward_passes", Integer.toString(total + 1));
		final Attribution a = new Attribution(ArrayImgs.floats(map, w, h), NAME, target, request.className(target), base,
			request.logits(), true, params, results, null);
		return new Result(a, windowMap, columns, rows);
	}
}
