package io.github.explainij.method;

import io.github.explainij.ExplainException;

/**
 * How a long method reports progress and learns that the user cancelled. Methods call
 * {@link #step(int, int)} between batches; it throws {@link Cancelled} when the user cancelled, so a
 * cancelled run stops at the next batch, releases its native memory and produces nothing.
 */
public interface Progress {

	/** Reports {@code done} of {@code total} units. */
	void update(int done, int total);

	/** Whether the user asked to stop. */
	boolean isCanceled();

	/** Reports progress, then stops the run if the user cancelled. */
	default void step(final int done, final int total) {
		update(done, total);
		if (isCanceled()) throw new Cancelled();
	}

	/**
	 * The progress of part {@code i} of {@code n} equal parts of a run (an object, a plane), mapped onto
	 * this whole run's progress; cancelling the whole cancels the part.
	 */
	default Progress part(final int i, final int n) {
		final Progress whole = this;
		return new Progress() {

			@Override
			public void update(final int done, final int total) {
				final long scale = 1000;
				whole.update((int) (i * scale + (total <= 0 ? 0 : Math.min(done, total) * scale / total)), (int) (n * scale));
			}

			@Override
			public boolean isCanceled() {
				return whole.isCanceled();
			}
		};
	}

	/** No reporting, never cancelled. */
	Progress NONE = new Progress() {

		@Override
		public void update(final int done, final int total) {}

		@Override
		public boolean isCanceled() {
			return false;
		}
	};

	/** Thrown by {@link Progress#step(int, int)} when the user cancelled. */
	final class Cancelled extends ExplainException {

		private static final long serialVersionUID = 1L;

		public Cancelled() {
			super("cancelled by the user");
		}
	}
}
