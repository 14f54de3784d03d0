package io.github.explainij.method;

import io.github.explainij.ExplainException;

/**
 * Batch sizes for methods that run the model on many inputs (sampling, perturbation). The default
 * keeps one batch's input under {@link #INPUT_BUDGET_BYTES}; activations are typically a few times
 * the input, so a batch stays well inside native memory. Results never depend on the batch size.
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

	/** Validates a user's batch size parameter (0 = automatic). */
	public static int checkRequested(final int requested) {
		if (requested < 0) throw new ExplainException("batch_size must be 0 (automatic) or positive, not " + requested);
		return requested;
	}
}
