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
 * RISE, Randomized Input Sampling for Explanation (Petsiuk, Das and Saenko, BMVC 2018): the score of
 * the target on many randomly masked copies of the image, averaged with the masks as weights,
 * {@code saliency = sum_i score_i * mask_i / (N * p)} (masks from {@link RiseMasks}).
 * <p>
 * A masked copy is {@code image * mask + fill * (1 - mask)} in raw intensities; with the default
 * {@code fill=zero} this is the paper's {@code image * mask} (hidden pixels are black, raw value 0).
 * The map is signed when logits are explained (a logit can be negative).
 */
public final class Rise implements AttributionMethod {

	public static final String NAME = "RISE";

	private final int masks;
	private final int cell;
	private final double p;
	private final long seed;
	private final Fill fill;
	private final int batchSize;

	/**
	 * @param masks number of random masks N
	 * @param cell side of a grid cell in pixels
	 * @param p probability that a cell is kept
	 */
	public Rise(final int masks, final int cell, final double p, final long seed, final Fill fill, final int batchSize) {
		if (masks < 1) throw new ExplainException("masks must be at least 1, not " + masks);
		if (cell < 1) throw new ExplainException("cell must be at least 1 pixel, not " + cell);
		if (!(p > 0 && p <= 1)) throw new ExplainException("p (the probability to keep a cell) must be in (0, 1], not " + p);
		this.masks = masks;
		this.cell = cell;
		this.p = p;
		this.seed = seed;
		this.fill = fill;
		this.batchSize = Batching.checkRequested(batchSize);
	}

	@Override
	public Attribution explain(final ExplainRequest request) {
		final int c = request.channels(), h = request.height(), w = request.width(), d = request.depth(), n = request.voxels();
		if (request.isVolume() && fill.kind().equals(Fill.BLUR)) {
			throw new ExplainException("the blur fill is planar; for a volume choose zero or mean");
		}
		final int target = request.targetClass();
		final float[] pixels = request.pixels();
		// slices are stacked planes for the fills of a volume (zero, mean)
		final float[] fillImage = fill.image(pixels, c, w, h * d, null);
		final float[] diff = new float[pixels.length];
		for (int i = 0; i < diff.length; i++) diff[i] = pixels[i] - fillImage[i];
		final RiseMasks generator = new RiseMasks(w, h, d, cell, p, seed);
		final MemoryBudget.BatchChoice batches = BatchedScores.choice(request, batchSize, masks);
		final int batch = batches.batch();
		final float[] batchMasks = new float[batch * n];
		final double[] sum = new double[n];
		final BatchedScores.Sampler sampler = (index, buffer, offset) -> {
			final int m = (index % batch) * n;
			generator.next(batchMasks, m);
			PixelChunks.forEach(n, (from, to) -> {
				for (int k = 0; k < c; k++) {
					final int o = k * n;
					for (int i = from; i < to; i++) buffer[offset + o + i] = fillImage[o + i] + batchMasks[m + i] * diff[o + i];
				}
			});
		};
		final BatchedScores.Sink sink = (first, count, scores, probabilities) -> PixelChunks.forEach(n, (from, to) -> {
			for (int s = 0; s < count; s++) {
				final int m = ((first + s) % batch) * n;
				final double score = scores[s];
				for (int i = from; i < to; i++) sum[i] += score * batchMasks[m + i];
			}
		});
		BatchedScores.run(request, masks, batch, sampler, sink);
		final float[] map = new float[n];
		boolean negative = false;
		for (int i = 0; i < n; i++) {
			map[i] = (float) (sum[i] / (masks * p));
			negative |= map[i] < 0;
		}
		final Map<String, String> params = new LinkedHashMap<>();
		params.put("masks", Integer.toString(masks));
		params.put("cell", Integer.toString(cell));
		params.put("p", Double.toString(p));
		params.put("seed", Long.toString(seed));
		params.put("fill", fill.toString());
		params.put("batch_size", Batching.describe(batchSize, batches));
		final Map<String, String> results = new LinkedHashMap<>();
		results.put("grid", generator.gridWidth() + "x" + generator.gridHeight() + (request.isVolume() ? "x" + generator.gridDepth() : ""));
		results.put("forward_passes", Integer.toString(masks + 1));
		return new Attribution(request.mapOf(map, 1), NAME, target, request.className(target),
			request.targetScore(), request.logits(), negative, params, results, null);
	}

	@Override
	public boolean supportsVolumes() {
		return true;
	}
}
