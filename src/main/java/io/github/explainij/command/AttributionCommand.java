package io.github.explainij.command;

import ij.IJ;
import ij.ImagePlus;

import io.github.explainij.ExplainException;
import io.github.explainij.image.ImagePlusAdapter;
import io.github.explainij.method.Attribution;
import io.github.explainij.method.ExplainRequest;
import io.github.explainij.method.Progress;
import io.github.explainij.model.ModelService;
import io.github.explainij.render.AttributionImages;
import io.github.explainij.target.ScoreKind;
import io.github.explainij.target.TargetSpec;

import org.scijava.ItemIO;
import org.scijava.command.ContextCommand;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;
import org.scijava.app.StatusService;
import org.scijava.ui.DialogPrompt;
import org.scijava.ui.UIService;
import org.scijava.widget.FileWidget;

import java.io.File;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What every attribution command shares: the image, the model, the target, the score, the device, and
 * the outputs (a raw 32-bit attribution image and an overlay on the source). A subclass adds its own
 * parameters and says how to explain; all numerics live in the method classes.
 * <p>
 * Bad input never throws out of {@link #run()}: the command is cancelled with a message that says what
 * to do (shown as a dialog where there is a UI), and the source image is left as it was.
 */
public abstract class AttributionCommand extends ContextCommand {

	@Parameter(label = "Image", description = "the image to explain (the active image)")
	protected ImagePlus image;

	@Parameter(label = "Model file (TorchScript .pt)", style = FileWidget.OPEN_STYLE + ",extensions:pt",
		description = Options.MODEL_FILE_DESCRIPTION)
	protected File model_file;

	@Parameter(label = "Target class", description = Options.TARGET_DESCRIPTION)
	protected String target = Options.TARGET_PREDICTED;

	@Parameter(label = "Score", choices = { Options.SCORE_LOGIT, Options.SCORE_PROBABILITY }, description = Options.SCORE_DESCRIPTION)
	protected String score = Options.SCORE_LOGIT;

	@Parameter(label = "Device", choices = { Options.DEVICE_AUTO, Options.DEVICE_CPU, Options.DEVICE_GPU },
		description = Options.DEVICE_DESCRIPTION)
	protected String device = Options.DEVICE_AUTO;

	@Parameter(label = "Show overlay on the image", description = Options.SHOW_OVERLAY_DESCRIPTION)
	protected boolean show_overlay = true;

	@Parameter(type = ItemIO.OUTPUT, label = "Attribution")
	protected ImagePlus attribution;

	@Parameter
	protected ModelService models;

	@Parameter
	protected LogService log;

	@Parameter(required = false)
	protected UIService ui;

	@Parameter(required = false)
	protected StatusService status;

	/** Computes the attribution; parameters of the subclass are validated here. */
	protected abstract Attribution explain(ExplainRequest request);

	@Override
	public void run() {
		try {
			IJ.resetEscape();
			final String refusal = resultRefusal(image);
			if (refusal != null) throw new ExplainException(refusal);
			final ModelService.Loaded loaded = models.load(model_file, device);
			final ExplainRequest request = new ExplainRequest(loaded.network(), ImagePlusAdapter.currentPlanes(image),
				TargetSpec.parse(target), ScoreKind.parse(score), progress());
			// every result records the score it explains, first among its parameters
			final Attribution result = explain(request).withParameter("score", request.score().key());
			final Map<String, String> context = new LinkedHashMap<>();
			context.put("device", loaded.network().device().toString());
			if (loaded.deviceNote() != null) {
				context.put("device_note", loaded.deviceNote());
				log.warn(loaded.deviceNote());
			}
			if (image.getNChannels() > 1 || image.getNSlices() > 1 || image.getNFrames() > 1) {
				context.put("plane", "c=all z=" + image.getZ() + " t=" + image.getT());
			}
			attribution = AttributionImages.toImage(result, image, loaded.network(), context);
			if (show_overlay) AttributionImages.addOverlay(image, result);
		}
		catch (final ExplainException e) {
			fail(e.getMessage());
		}
		catch (final RuntimeException e) {
			log.error(e);
			fail("unexpected error (" + e + "); please report it with the model and image");
		}
		finally {
			if (status != null) status.clearStatus();
		}
	}

	/**
	 * Progress in the status bar; Esc (ImageJ's usual key) or cancelling the command stops a long run. Once
	 * the first batch is done, a run that will take a while says how many model passes it makes and
	 * roughly how long they take (measured from that batch).
	 */
	protected Progress progress() {
		final String name = getClass().getAnnotation(org.scijava.plugin.Plugin.class) == null ? getClass().getSimpleName()
			: getClass().getAnnotation(org.scijava.plugin.Plugin.class).label();
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
				return AttributionCommand.this.isCanceled() || IJ.escapePressed();
			}
		};
	}

	/** Shows a run's progress as it happens and in order (SciJava's status events arrive later, in any order). */
	public interface ProgressDisplay {

		/** {@code done} of {@code total} model passes; {@code message} is the long-run line, or null. */
		void show(int done, int total, String message);
	}

	private ProgressDisplay display;

	/** Where progress is also shown, directly (the ImageJ 1.x bridge: ImageJ's status and progress bars). */
	public void setProgressDisplay(final ProgressDisplay display) {
		this.display = display;
	}

	/** Runs estimated to take at least this long (seconds) say so in the status bar. */
	public static final double LONG_RUN_SECONDS = 5;

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

	/**
	 * Whether an image is an Explain-IJ result (an attribution, or a map at a layer's resolution): their
	 * Info starts with "Explain-IJ" and they record the method and the model. Explaining one would
	 * explain a heatmap, not the cells.
	 */
	public static boolean isExplainResult(final ImagePlus imp) {
		if (imp == null) return false;
		final Object info = imp.getProperty("Info");
		if (info instanceof String && ((String) info).startsWith("Explain-IJ")) return true;
		return imp.getProp("method") != null && imp.getProp("model") != null;
	}

	/** Why this image is not explained (it is an Explain-IJ result), or null when it may be. */
	public static String resultRefusal(final ImagePlus imp) {
		if (!isExplainResult(imp)) return null;
		return "'" + imp.getTitle() + "' is an Explain-IJ result, not an image to explain: select the source image" +
			(imp.getProp("source") == null ? "" : " ('" + imp.getProp("source") + "')") + " and run the command again";
	}

	private void fail(final String message) {
		attribution = null;
		cancel(message);
		log.error("Explain-IJ: " + message);
		if (ui != null && !ui.isHeadless() && ui.getDefaultUI() != null) {
			ui.showDialog(message, "Explain-IJ", DialogPrompt.MessageType.ERROR_MESSAGE);
		}
	}

	/** The result, or null when the command failed. */
	public ImagePlus attribution() {
		return attribution;
	}
}
