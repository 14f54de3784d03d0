package io.github.explainij.method.perturbation;


import io.github.explainij.method.Batching;
import io.github.explainij.method.ExplainRequest;
import io.github.explainij.model.MemoryBudget;

import io.github.explainij.target.ClassScore;
import io.github.explainij.target.ScoreKind;

/**
 * Runs the model on many perturbed copies of the request's image, in batches, and hands back the
 * target's score for each copy. Shared by every perturbation method: each batch is written straight
 * into one reused float buffer (no per-sample objects), run in one forward pass in its own native
 * scope ({@link io.github.explainij.model.Network#logits}), and progress is reported (and cancellation
 * checked) between batches. The numbers do not depend on the batch size.
 */
final class BatchedScores {

	/** Writes perturbed sample {@code index} (raw values, [C, H, W]) into {@code buffer} at {@code offset}. */
	@FunctionalInterface
	interface Sampler {
		void write(int index, float[] buffer, int offset);
	}

	/** Receives the scores of samples {@code first .. first + count - 1}, in order. */
	@FunctionalInterface
	interface Sink {
		/**
		 * @param scores the explained score (logit or probability) of the target, one per sample
		 * @param probabilities the target's softmax probability, one per sample
		 */
		void accept(int first, int count, float[] scores, float[] probabilities);
	}

	private BatchedScores() {}

	/**
	 * The batch size a method uses: the user's, or {@link Batching#batchSize} from the size of the
	 * network input (the model's fixed size if it has one).
	 */
	static int batchSize(final ExplainRequest request, final int requested, final int total) {
		return choice(request, requested, total).batch();
	}

	/**
	 * The batch size, capped to what the memory budget holds for forward passes (with a note when the
	 * user's was lowered); refuses a run that cannot fit one sample.
	 */
	static MemoryBudget.BatchChoice choice(final ExplainRequest request, final int requested, final int total) {
		final var spec = request.network().spec();
		final long h = spec.hasFixedSize() ? Math.max(spec.height(), request.height()) : request.height();
		final long w = spec.hasFixedSize() ? Math.max(spec.width(), request.width()) : request.width();
		final int automatic = Batching.batchSize(0, (long) request.channels() * h * w * request.depth(), total);
		return MemoryBudget.batchSize(request.memoryWork(), requested, total, automatic, MemoryBudget.Pass.FORWARD);
	}

	/**
	 * @param total how many perturbed samples
	 * @param batch samples per forward pass
	 */
	static void run(final ExplainRequest request, final int total, final int batch, final Sampler sampler, final Sink sink) {
		final int size = request.channels() * request.voxels();
		final ClassScore target = request.targetFunction();
		final ClassScore probability = target.withKind(ScoreKind.PROBABILITY);
		float[] buffer = new float[Math.min(batch, total) * size];
		request.progress().step(0, total);
		for (int first = 0; first < total; first += batch) {
			final int count = Math.min(batch, total - first);
			if (buffer.length != count * size) buffer = new float[count * size];
			for (int i = 0; i < count; i++) sampler.write(first + i, buffer, i * size);
			// both in one pass: [score_0 .. score_{count-1}, probability_0 .. probability_{count-1}]
			final float[] both = request.network().evaluate(buffer, request.inputShape(count), request.transform(),
				out -> target.score(out).concat(probability.score(out)));
			final float[] scores = java.util.Arrays.copyOfRange(both, 0, count);
			final float[] probabilities = java.util.Arrays.copyOfRange(both, count, 2 * count);
			sink.accept(first, count, scores, probabilities);
			request.progress().step(first + count, total);
		}
	}

}
