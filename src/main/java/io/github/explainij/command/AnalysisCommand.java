package io.github.explainij.command;

import ij.IJ;
import ij.ImagePlus;

import io.github.explainij.ExplainException;
import io.github.explainij.model.ModelService;
import io.github.explainij.model.Network;

import org.scijava.plugin.Parameter;
import org.scijava.widget.FileWidget;

import java.io.File;

/**
 * A command that looks inside the network or evaluates explanations (menus {@code Inside the Network}
 * and {@code Evaluate}): a model, the command's own parameters (an image, a folder, a layer ...), and
 * {@link AnalysisResults} instead of one attribution image. A subclass declares its inputs as fields
 * (snake_case macro keys: {@code image}, {@code input_dir}, {@code layer}) and implements
 * {@link #analyse(Network)}: it calls the numerics (packages {@code inspect}, {@code evaluate}) and turns
 * their values into images, tables and plots. The failure contract is {@link ExplainCommand}'s.
 * <p>
 * In ImageJ (Fiji or plain ImageJ 1.x, macros too) the results are shown when the run ends; the command
 * line writes them to files ({@code --out}, {@code --table}); tests read {@link #results()}.
 */
public abstract class AnalysisCommand extends ExplainCommand {

	@Parameter(label = "Model file (TorchScript .pt)", style = FileWidget.OPEN_STYLE + ",extensions:pt",
		description = Options.MODEL_FILE_DESCRIPTION)
	protected File model_file;

	@Parameter(label = "Device", choices = { Options.DEVICE_AUTO, Options.DEVICE_CPU, Options.DEVICE_GPU },
		description = Options.DEVICE_DESCRIPTION)
	protected String device = Options.DEVICE_AUTO;

	private AnalysisResults results;

	/**
	 * The analysis: numerics in {@code inspect} / {@code evaluate}, turned into images, tables and plots.
	 * Bad input throws {@link ExplainException} with one line that names the cause and what to do.
	 */
	protected abstract AnalysisResults analyse(Network network);

	/**
	 * What the run works on, for the log file of an internal failure ("'cells.tif'", "the folder /data/cells"):
	 * the command's {@code image} or {@code input_dir} input (the names every command uses for them).
	 */
	protected String subject() {
		for (Class<?> c = getClass(); c != null && c != AnalysisCommand.class; c = c.getSuperclass()) {
			for (final String name : new String[] { Options.IMAGE, Options.INPUT_DIR }) {
				try {
					final java.lang.reflect.Field f = c.getDeclaredField(name);
					f.setAccessible(true);
					final Object value = f.get(this);
					if (value instanceof ImagePlus) return "'" + ((ImagePlus) value).getTitle() + "'";
					if (value instanceof File) return "the folder " + value;
				}
				catch (final NoSuchFieldException | IllegalAccessException e) {
					// not this class's input
				}
			}
		}
		return "";
	}

	@Override
	public void run() {
		clearFailure();
		results = null;
		try (ModelService.Loaded loaded = models.load(model_file, device)) {
			IJ.resetEscape();
			final AnalysisResults r = analyse(loaded.network());
			r.property("model", model_file.getName());
			r.property("device", loaded.network().device().toString());
			if (loaded.deviceNote() != null) {
				r.property("device_note", loaded.deviceNote());
				log.warn(loaded.deviceNote());
			}
			results = r;
			if (IJ.getInstance() != null) r.show();
		}
		catch (final Throwable e) {
			failWith(e, commandName() + (subject().isEmpty() ? "" : " on " + subject()) + " with model " + model_file);
		}
		finally {
			if (status != null) status.clearStatus();
		}
	}

	@Override
	protected void fail(final String message) {
		results = null;
		super.fail(message);
	}

	/** The results of the last run, or null when it failed. */
	public AnalysisResults results() {
		return results;
	}

	/**
	 * Refuses a missing image and an Explain-IJ result (a heatmap is not an image of cells).
	 *
	 * @return the image
	 */
	protected static ImagePlus sourceImage(final ImagePlus imp) {
		if (imp == null) throw new ExplainException("no image: open the image to analyse first (File > Open)");
		final String refusal = AttributionCommand.resultRefusal(imp);
		if (refusal != null) throw new ExplainException(refusal);
		return imp;
	}

	/** Refuses a missing folder or a file given as a folder. */
	protected static File folder(final File dir, final String what) {
		if (dir == null) throw new ExplainException(what + " is not given: choose a folder of images (--input-dir on the command line)");
		if (!dir.isDirectory()) throw new ExplainException(what + " " + dir + " is not a folder: choose a folder of images");
		return dir;
	}
}
