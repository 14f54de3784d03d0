package io.github.explainij.method.perturbation;

import java.util.stream.IntStream;

/**
 * Splits per-pixel Java work over the CPU cores for large images. While Java builds a batch or adds up
 * its scores the model is idle, so on large images this work would otherwise bound the method's
 * speed. Each pixel is handled by one chunk, in the same order as a plain loop, so the results are
 * identical to the sequential ones.
 */
final class PixelChunks {

	/** Below this many pixels a plain loop is faster than forking. */
	static final int PARALLEL_FROM = 1 << 16;

	@FunctionalInterface
	interface Range {
		void run(int from, int to);
	}

	private PixelChunks() {}

	static void forEach(final int n, final Range work) {
		final int parts = Math.min(Runtime.getRuntime().availableProcessors(), Math.max(1, n / (PARALLEL_FROM / 2)));
		if (n < PARALLEL_FROM || parts < 2) {
			work.run(0, n);
			return;
		}
		IntStream.range(0, parts).parallel().forEach(p -> work.run((int) ((long) n * p / parts), (int) ((long) n * (p + 1) / parts)));
	}
}
