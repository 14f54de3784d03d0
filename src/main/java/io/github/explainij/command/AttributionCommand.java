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

	@Parameter(label = "Image")
	protected ImagePlus image;

	@Parameter(label = "Model file (TorchScript .pt)", style = FileWidget.OPEN_STYLE,
		description = "A TorchScript classifier; its sidecar (same name, .json) gives classes and normalization")
	protected File model_file;

	@Parameter(label = "Target class", description = Options.TARGET_DESCRIPTION)
	protected String target = Options.TARGET_PREDICTED;

	@Parameter(label = "Score", choices = { Options.SCORE_LOGIT, Options.SCORE_PROBABILITY },
		description = "explain the target's logit (pre-softmax) or its softmax probability")
	protected String score = Options.SCORE_LOGIT;

	@Parameter(label = "Device", choices = { Options.DEVICE_AUTO, Options.DEVICE_CPU, Options.DEVICE_GPU })
	protected String device = Options.DEVICE_AUTO;

	@Parameter(label = "Show overlay on the image", description = "add a coloured, semi-transparent heatmap to the source image's overlay")
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

	/** Progress in the status bar; Esc (ImageJ's usual key) or cancelling the command stops a long run. */
	protected Progress progress() {
		return new Progress() {

			@Override
			public void update(final int done, final int total) {
				if (status != null) status.showProgress(done, total);
			}

			@Override
			public boolean isCanceled() {
				return AttributionCommand.this.isCanceled() || IJ.escapePressed();
			}
		};
	}

	/**
	 * Refuses the run: the message is the cancel reason (what the command line, the ImageJ 1.x bridge and
	 * tests read); a dialog shows it where there is a UI, and headless it goes to the log as a warning
	 * (bad input is the user's to fix, not an error of the plugin; unexpected errors are logged as errors
	 * in {@link #run()}).
	 */
	private void fail(final String message) {
		attribution = null;
		cancel(message);
		if (ui != null && !ui.isHeadless() && ui.getDefaultUI() != null) {
			ui.showDialog(message, "Explain-IJ", DialogPrompt.MessageType.ERROR_MESSAGE);
		}
		else {
			log.warn("Explain-IJ: " + message);
		}
	}

	/** The result, or null when the command failed. */
	public ImagePlus attribution() {
		return attribution;
	}
}
