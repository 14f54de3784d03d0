package io.github.explainij.method.perturbation;

import io.github.explainij.ExplainException;
import io.github.explainij.method.Attribution;
import io.github.explainij.method.AttributionMethod;
import io.github.explainij.method.Batching;
import io.github.explainij.method.ExplainRequest;
import io.github.explainij.model.MemoryBudget;

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
 * <p>
 * On a model with stages the windows are computed by incremental inference ({@link IncrementalOcclusion},
 * Krypton): only what each window can change is recomputed, stage by stage; the numbers are those of
 * full passes up to float rounding. {@code incremental} chooses: {@code auto} (where the model allows),
 * {@code on} (refuse where it does not) or {@code off} (a full pass per window).
 */
public final class OcclusionSensitivity implements AttributionMethod {

	public static final String NAME = "Occlusion Sensitivity";

	private final int window;
	private final int stride;
	private final int windowZ;
	private final int strideZ;
	private final Fill fill;
	private final int batchSize;
	private final String incremental;

	/** Incremental inference where the model allows it (the default). */
	public static final String INCREMENTAL_AUTO = "auto";
	/** Incremental inference, or a clear refusal where the model does not allow it. */
	public static final String INCREMENTAL_ON = "on";
	/** A full pass for every window. */
	public static final String INCREMENTAL_OFF = "off";

	/**
	 * @param window side of the square window, in pixels
	 * @param stride step between window positions, in pixels (at most the window)
	 * @param batchSize occluded images per forward pass, 0 = automatic
	 */
	public OcclusionSensitivity(final int window, final int stride, final Fill fill, final int batchSize) {
		this(window, stride, 1, 1, fill, batchSize);
	}

	/**
	 * Cubic (box) windows for volumes: {@code window} x {@code window} in the plane, {@code windowZ}
	 * slices deep, moved by {@code stride} in the plane and {@code strideZ} along z. For images the z
	 * window and stride are 1.
	 */
	public OcclusionSensitivity(final int window, final int stride, final int windowZ, final int strideZ, final Fill fill,
		final int batchSize)
	{
		this(window, stride, windowZ, strideZ, fill, batchSize, INCREMENTAL_AUTO);
	}

	/**
	 * @param incremental {@link #INCREMENTAL_AUTO}, {@link #INCREMENTAL_ON} or {@link #INCREMENTAL_OFF}
	 */
	public OcclusionSensitivity(final int window, final int stride, final int windowZ, final int strideZ, final Fill fill,
		final int batchSize, final String incremental)
	{
		if (!INCREMENTAL_AUTO.equals(incremental) && !INCREMENTAL_ON.equals(incremental) && !INCREMENTAL_OFF.equals(incremental)) {
			throw new ExplainException("incremental must be auto, on or off, not '" + incremental + "'");
		}
		this.incremental = incremental;
		if (windowZ < 1) throw new ExplainException("window_z must be at least 1 slice, not " + windowZ);
		if (strideZ < 1 || strideZ > windowZ) {
			throw new ExplainException("stride_z must be between 1 and window_z (" + windowZ + " slices), not " + strideZ);
		}
		this.windowZ = windowZ;
		this.strideZ = strideZ;
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
		private final int layers;

		Result(final Attribution attribution, final float[] windowMap, final int columns, final int rows, final int layers) {
			this.attribution = attribution;
			this.windowMap = windowMap;
			this.columns = columns;
			this.rows = rows;
			this.layers = layers;
		}

		/** Window positions along z (1 for an image). */
		public int layers() { return layers; }

		public Attribution attribution() { return attribution; }

		/** The target's probability with the window at (column, row, layer): index (layer * rows + row) * columns + column. */
		public float[] windowMap() { return windowMap.clone(); }

		public int columns() { return columns; }

		public int rows() { return rows; }
	}

	@Override
	public Attribution explain(final ExplainRequest request) {
		return explainWithWindows(request).attribution();
	}

	public Result explainWithWindows(final ExplainRequest request) {
		final int c = request.channels(), h = request.height(), w = request.width(), d = request.depth();
		if (window > w || window > h) {
			throw new ExplainException("the window (" + window + " px) is larger than the image (" + w + "x" + h + "); choose a smaller window");
		}
		if (windowZ > d) {
			throw new ExplainException("window_z (" + windowZ + " slices) is deeper than the " + (request.isVolume() ? "volume (" + d +
				" slices)" : "image (a 2D image is 1 slice deep)") + "; choose a smaller window_z");
		}
		if (request.isVolume() && fill.kind().equals(Fill.BLUR)) {
			throw new ExplainException("the blur fill is planar; for a volume choose zero, mean or value");
		}
		final int target = request.targetClass();
		final float[] pixels = request.pixels();
		// slices are stacked planes for the fills of a volume (zero, mean, value)
		final float[] fillImage = fill.image(pixels, c, w, h * d, null);
		final int columns = positions(w, window, stride), rows = positions(h, window, stride), layers = positions(d, windowZ, strideZ);
		final int total = columns * rows * layers;
		final float base = request.targetScore();
		final int plane = w * h, n = plane * d;
		final double[] sum = new double[n];
		final int[] count = new int[n];
		final float[] windowMap = new float[total];
		final BatchedScores.Sampler sampler = (index, buffer, offset) -> {
			System.arraycopy(pixels, 0, buffer, offset, pixels.length);
			final int[] box = box(index, columns, rows, w, h, d);
			for (int k = 0; k < c; k++) {
				for (int z = box[4]; z < box[5]; z++) {
					for (int y = box[2]; y < box[3]; y++) {
						final int row = k * n + z * plane + y * w;
						System.arraycopy(fillImage, row + box[0], buffer, offset + row + box[0], box[1] - box[0]);
					}
				}
			}
		};
		final BatchedScores.Sink sink = (first, cnt, scores, probabilities) -> {
			for (int i = 0; i < cnt; i++) {
				final int index = first + i;
				windowMap[index] = probabilities[i];
				final double drop = (double) base - scores[i];
				final int[] box = box(index, columns, rows, w, h, d);
				for (int z = box[4]; z < box[5]; z++) {
					for (int y = box[2]; y < box[3]; y++) {
						for (int x = box[0]; x < box[1]; x++) {
							sum[z * plane + y * w + x] += drop;
							count[z * plane + y * w + x]++;
						}
					}
				}
			}
		};
		final IncrementalOcclusion plan = incremental.equals(INCREMENTAL_OFF) ? null : IncrementalOcclusion.plan(request, window);
		if (incremental.equals(INCREMENTAL_ON) && !plan.possible()) {
			throw new ExplainException("incremental occlusion is not possible here: " + plan.whyNot() + ". Choose incremental=auto or off");
		}
		final String batchDescription;
		if (plan != null && plan.possible()) {
			// a window's patches take less memory than its full pass: a user's batch is capped as for full passes
			final MemoryBudget.BatchChoice capped = batchSize > 0 ? BatchedScores.choice(request, batchSize, total) : null;
			final int chunk = plan.chunk(capped == null ? 0 : capped.batch(), total);
			plan.run(request, total, chunk, index -> box(index, columns, rows, w, h, d), fillImage, sink);
			batchDescription = capped == null ? "auto (" + chunk + ")" : Batching.describe(batchSize, capped);
		}
		else {
			final MemoryBudget.BatchChoice batches = BatchedScores.choice(request, batchSize, total);
			BatchedScores.run(request, total, batches.batch(), sampler, sink);
			batchDescription = Batching.describe(batchSize, batches);
		}
		final float[] map = new float[n];
		for (int i = 0; i < n; i++) map[i] = count[i] == 0 ? 0 : (float) (sum[i] / count[i]);
		final Map<String, String> params = new LinkedHashMap<>();
		params.put("window", Integer.toString(window));
		params.put("stride", Integer.toString(stride));
		if (request.isVolume()) {
			params.put("window_z", Integer.toString(windowZ));
			params.put("stride_z", Integer.toString(strideZ));
		}
		params.put("fill", fill.toString());
		params.put("batch_size", batchDescription);
		params.put("incremental", incremental);
		final Map<String, String> results = new LinkedHashMap<>();
		results.put("window_positions", columns + "x" + rows + (request.isVolume() ? "x" + layers : ""));
		results.put("forward_passes", Integer.toString(total + 1));
		results.put("incremental_inference", plan == null ? "no (incremental=off)" : plan.describe());
		final Attribution a = new Attribution(request.mapOf(map, 1), NAME, target, request.className(target), base,
			request.logits(), true, params, results, null);
		return new Result(a, windowMap, columns, rows, layers);
	}

	/** Window {@code index}'s box (x-major within y within z): x0, x1, y0, y1, z0, z1 (exclusive ends, cut at the border). */
	private int[] box(final int index, final int columns, final int rows, final int w, final int h, final int d) {
		final int x0 = index % columns * stride, y0 = index / columns % rows * stride, z0 = index / (columns * rows) * strideZ;
		return new int[] { x0, Math.min(w, x0 + window), y0, Math.min(h, y0 + window), z0, Math.min(d, z0 + windowZ) };
	}

	@Override
	public boolean supportsVolumes() {
		return true;
	}
}
