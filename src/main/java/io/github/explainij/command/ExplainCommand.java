package io.github.explainij.command;

import ij.IJ;

import io.github.explainij.Failure;
import io.github.explainij.method.Progress;
import io.github.explainij.model.ModelService;

import org.scijava.app.StatusService;
import org.scijava.command.ContextCommand;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;
import org.scijava.ui.DialogPrompt;
import org.scijava.ui.UIService;

/**
 * What every Explain-IJ command shares, attribution or not: the services, the one failure contract
 * ({@link Failure}: bad input is one line to fix, shown as a dialog where there is a UI; anything else
 * goes to a log file and one line names it), and progress that Esc or cancelling stops.
 */
public abstract class ExplainCommand extends ContextCommand {

	@Parameter
	protected ModelService models;

	@Parameter
	protected LogService log;

	@Parameter(required = false)
	protected UIService ui;

	@Parameter(required = false)
	protected StatusService status;

	private Throwable unexpectedFailure;

	private ProgressDisplay display;

	/** Runs estimated to take at least this long (seconds) say so in the status bar. */
	public static final double LONG_RUN_SECONDS = 5;

	/** Why the last run failed when it was not bad input (an internal failure: exit 1 on the command line), else null. */
	public Throwable unexpectedFailure() {
		return unexpectedFailure;
	}

	/**
	 * Turns anything thrown by a run into the failure contract: bad input becomes the cancel reason as it
	 * is; anything else, Errors too, is written to a log file with its stack trace and the cancel reason
	 * names the cause and that file.
	 *
	 * @param what what was run, for the log file (e.g. "Saliency Map on 'cells.tif' with model cells.pt")
	 */
	protected final void failWith(final Throwable e, final String what) {
		unexpectedFailure = null;
		if (Failure.isBadInput(e)) {
			fail(Failure.badInputMessage(e));
		}
		else {
			unexpectedFailure = e;
			fail(Failure.report(e, what));
		}
	}

	/** Forgets an earlier run's failure; call at the start of {@code run()}. */
	protected final void clearFailure() {
		unexpectedFailure = null;
	}

	/**
	 * Refuses the run: the message is the cancel reason (what the command line, the ImageJ 1.x bridge and
	 * tests read); a dialog shows it where there is a UI, and headless it goes to the log as a warning
	 * (bad input is the user's to fix, not an error of the plugin); an internal failure is logged as an error,
	 * in one line that names its log file (see {@link Failure}).
	 */
	protected void fail(final String message) {
		cancel(message);
		if (ui != null && !ui.isHeadless() && ui.getDefaultUI() != null) {
			ui.showDialog(message, "Explain-IJ", DialogPrompt.MessageType.ERROR_MESSAGE);
		}
		else if (unexpectedFailure != null) {
			log.error("Explain-IJ: " + message);
		}
		else {
			log.warn("Explain-IJ: " + message);
		}
	}

	/** The command's menu label (e.g. "Saliency Map"). */
	protected String commandName() {
		final org.scijava.plugin.Plugin plugin = getClass().getAnnotation(org.scijava.plugin.Plugin.class);
		return plugin == null ? getClass().getSimpleName() : plugin.label();
	}

	/**
	 * Progress in the status bar; Esc (ImageJ's usual key) or cancelling the command stops a long run. Once
	 * the first batch is done, a run that will take a while says how many model passes it makes and
	 * roughly how long they take (measured from that batch).
	 */
	protected Progress progress() {
		final String name = commandName();
		return new Progress() {

			private long start = -1;

			@Override
			public void update(final int done, final int total) {
				final long now = System.nanoTime();
				if (start < 0) start = now;
				final String message = passesMessage(name, done, total, (now - start) * 1e-9);
				if (display != null) display.show(done, total, message);
				if (status == null) return;
				if (message == null) status.showProgress(done, total);
				else status.showStatus(done, total, message);
			}

			@Override
			public boolean isCanceled() {
				return ExplainCommand.this.isCanceled() || IJ.escapePressed();
			}
		};
	}

	/** Shows a run's progress as it happens and in order (SciJava's status events arrive later, in any order). */
	public interface ProgressDisplay {

		/** {@code done} of {@code total} model passes; {@code message} is the long-run line, or null. */
		void show(int done, int total, String message);
	}

	/** Where progress is also shown, directly (the ImageJ 1.x bridge: ImageJ's status and progress bars). */
	public void setProgressDisplay(final ProgressDisplay display) {
		this.display = display;
	}

	/**
	 * The status line of a long run after {@code done} of {@code total} model passes took {@code elapsed}
	 * seconds, e.g. "Occlusion Sensitivity: 1025 model passes, about 1 min 14 s left (Esc stops)"; null
	 * before the first batch, at the end, and for runs estimated shorter than {@link #LONG_RUN_SECONDS}.
	 */
	public static String passesMessage(final String name, final int done, final int total, final double elapsed) {
		if (done <= 0 || done >= total || elapsed <= 0) return null;
		final double left = elapsed / done * (total - done);
		if (elapsed + left < LONG_RUN_SECONDS) return null;
		return name + ": " + done + " of " + total + " model passes, about " + duration(left) + " left (Esc stops)";
	}

	/** "40 s", "2 min 10 s", "1 h 5 min" (rounded to what a person plans with). */
	public static String duration(final double seconds) {
		final long s = Math.max(1, Math.round(seconds));
		if (s < 60) return s + " s";
		if (s < 3600) return s / 60 + " min" + (s % 60 == 0 ? "" : " " + s % 60 + " s");
		final long m = Math.round(s / 60.0);
		return m / 60 + " h" + (m % 60 == 0 ? "" : " " + m % 60 + " min");
	}
}
