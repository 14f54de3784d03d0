package io.github.explainij.command;

import ij.ImagePlus;
import ij.ImageStack;

import org.scijava.plugin.Parameter;

/** An evaluation of the explanations of one image (the active image): deletion, localization, class sensitivity. */
public abstract class ImageEvaluationCommand extends EvaluationCommand {

	@Parameter(label = "Image", description = "the image whose explanation is evaluated (the active image)")
	protected ImagePlus image;

	@Override
	protected String subject() {
		return image == null ? "" : "'" + image.getTitle() + "'";
	}

	/**
	 * The maps an evaluation computed, as its result image: 32-bit raw values, one slice each, recording
	 * what made them (so that they are never taken for an image to explain).
	 *
	 * @param what the evaluation, e.g. "deletion"; {@code details} lines for the Info after its first line
	 */
	protected static ImagePlus resultImage(final String title, final ImageStack maps, final String what, final String details,
		final ImagePlus source)
	{
		final ImagePlus out = new ImagePlus(title + " (" + source.getTitle() + ")", maps);
		out.setProperty("Info", "Explain-IJ " + what + "\n" + details + "\nsource: " + source.getTitle());
		out.setProp("method", what);
		out.setProp("source", source.getTitle());
		out.resetDisplayRange();
		return out;
	}
}
