package io.github.explainij.method.gradient;

import io.github.explainij.method.Batching;
import io.github.explainij.method.ExplainRequest;
import io.github.explainij.model.MemoryBudget;
import io.github.explainij.model.Network.ScoreGradient;
import io.github.explainij.target.Target;

/**
 * Runs many raw inputs derived from one image (noisy copies, points on an integration path, scaled
 * images) through {@link io.github.explainij.model.Network#scoreGradient} in batches: one batched
 * forward and backward pass per batch, native memory released per batch (the network's autograd
 * scope), progress reported and cancellation checked between batches. Samples are written and read by
 * their index, so results never depend on the batch size.
 */
final class GradientBatches {

	/** Writes sample {@code index}'s raw values [C, H, W] into {@code batch} at {@code offset}. */
	@FunctionalInterface
	interface SampleWriter {

		void write(int index, float[] batch, int offset);
	}

	/**
	 * Reads sample {@code index}'s gradient [C, H, W] from {@code gradients} at {@code offset}; the
	 * sample's raw input is in {@code inputs} at the same offset.
	 */
	@FunctionalInterface
	interface GradientReader {

		void read(int index, float[] inputs, float[] gradients, int offset, float score);
	}

	private GradientBatches() {}

	/**
	 * The batch size for {@code total} samples: the user's, or one chosen from the memory budget. A
	 * sample counts with the larger of its raw size and its size at the network's input, because both
	 * tensors live during the pass (a big image shrunk for a fixed-size model is held at full size).
	 */
	static int batchSize(final ExplainRequest request, final int requested, final int total) {
		return choice(request, requested, total).batch();
	}

	/**
	 * The batch size, capped to what the memory budget holds for a forward and backward pass (with a
	 * note when the user's was lowered); refuses a run that cannot fit one sample.
	 */
	static MemoryBudget.BatchChoice choice(final ExplainRequest request, final int requested, final int total) {
		final long raw = (long) request.channels() * request.voxels();
		final long atInput = request.network().spec().hasFixedSize()
			? (long) request.channels() * request.network().spec().height() * request.network().spec().width() : raw;
		final int automatic = Batching.batchSize(0, Math.max(raw, atInput), total);
		return MemoryBudget.batchSize(request.memoryWork(), requested, total, automatic, MemoryBudget.Pass.GRADIENT);
	}

	/**
	 * Computes d target / d raw input for {@code total} samples.
	 *
	 * @param requested the user's batch_size (0 = automatic)
	 * @return the batch size used (and why, when the user's was capped)
	 */
	static MemoryBudget.BatchChoice run(final ExplainRequest request, final Target target, final int total, final int requested,
		final SampleWriter writer, final GradientReader reader)
	{
		final int size = request.channels() * request.voxels();
		final MemoryBudget.BatchChoice choice = choice(request, requested, total);
		final int batch = choice.batch();
		request.progress().step(0, total);
		for (int start = 0; start < total; start += batch) {
			final int b = Math.min(batch, total - start);
			final float[] raw = new float[b * size];
			for (int j = 0; j < b; j++) writer.write(start + j, raw, j * size);
			final ScoreGradient g = request.network().scoreGradient(raw, request.inputShape(b), request.transform(), target);
			final float[] gradient = g.gradient();
			final float[] scores = g.scores();
			for (int j = 0; j < b; j++) reader.read(start + j, raw, gradient, j * size, scores[j]);
			request.progress().step(start + b, total);
		}
		return choice;
	}
}
