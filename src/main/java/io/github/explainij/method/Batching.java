package io.github.explainij.method;

import io.github.explainij.ExplainException;
import io.github.explainij.model.MemoryBudget;

/**
 * Batch sizes for methods that run the model on many inputs (sampling, perturbation). The automatic
 * choice keeps one batch's input under {@link #INPUT_BUDGET_BYTES} and at most {@link #MAX_DEFAULT_BATCH}
 * (beyond them a CPU gains nothing); the methods' batches also stay under the memory budget
 * ({@link MemoryBudget#batchSize}), which caps a user's batch size too. Results never depend on the
 * batch size.
 */
public final class Batching {

	/** Bytes of float32 network input per batch when the user does not choose (64 MiB). */
	public static final long INPUT_BUDGET_BYTES = 64L << 20;

	/** Upper bound of the default batch size (beyond it, throughput no longer improves on CPU). */
	public static final int MAX_DEFAULT_BATCH = 64;

	private Batching() {}

	/**
	 * @param requested the user's {@code batch_size}; 0 (or negative) chooses from the memory budget
	 * @param valuesPerSample floats in one sample (C * H * W, at the network's input size)
	 * @param total how many samples the method needs
	 */
	public static int batchSize(final int requested, final long valuesPerSample, final int total) {
		if (total <= 0) return 1;
		if (requested > 0) return Math.min(requested, total);
		final long fit = INPUT_BUDGET_BYTES / Math.max(1, valuesPerSample * Float.BYTES);
		return (int) Math.max(1, Math.min(Math.min(fit, MAX_DEFAULT_BATCH), total));
	}

	/**
	 * What a result records as its {@code batch_size}: the user's number, {@code auto (N)} for the
	 * automatic choice, or the note saying the user's number was capped to fit the memory budget.
	 */
	public static String describe(final int requested, final MemoryBudget.BatchChoice choice) {
		if (choice.note() != null) return choice.note();
		return requested == 0 ? "auto (" + choice.batch() + ")" : Integer.toString(requested);
	}

	/** Validates a user's batch size parameter (0 = automatic). */
	public static int checkRequested(final int requested) {
		if (requested < 0) throw new ExplainException("batch_size must be 0 (automatic) or positive, not " + requested);
		return requested;
	}
}
