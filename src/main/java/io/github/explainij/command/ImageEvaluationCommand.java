package io.github.explainij.command;

import ij.ImagePlus;
import ij.ImageStack;

import io.github.explainij.image.ImageFiles;
import io.github.explainij.target.Region;

import org.scijava.plugin.Parameter;
import org.scijava.widget.FileWidget;

import java.io.File;

/** An evaluation of the explanations of one image (the active image): deletion, localization, class sensitivity. */
public abstract class ImageEvaluationCommand extends EvaluationCommand {

	@Parameter(label = "Image", description = "the image whose explanation is evaluated (the active image)")
	protected ImagePlus image;

	@Parameter(label = "Region mask (segmentation models)", required = false, style = FileWidget.OPEN_STYLE,
		description = "Only for segmentation models: a mask of the image's size (non-zero inside); the class's per-pixel score is " +
			"averaged over it (empty: over the whole image). A classifier has one score per image and refuses a region.")
	protected File region_mask;

	@Parameter(label = "Region score", choices = { Options.REGION_SCORE_MEAN, Options.REGION_SCORE_SUM },
		description = Options.REGION_SCORE_DESCRIPTION)
	protected String region_score = Options.REGION_SCORE_MEAN;

	private Region region;

	@Override
	protected Region region(final int width, final int height) {
		if (region != null) return region;
		final Region.Reduce reduce = Region.Reduce.parse(region_score);
		if (region_mask == null) return region = Region.whole(reduce);
		final ij.ImagePlus m = ImageFiles.open(region_mask, "region mask");
		if (m.getWidth() != width || m.getHeight() != height) {
			throw new io.github.explainij.ExplainException("the region mask " + region_mask.getName() + " is " + m.getWidth() + "x" +
				m.getHeight() + " but the image is " + width + "x" + height + ": it must have the image's size");
		}
		return region = Region.of((float[]) m.getProcessor().convertToFloatProcessor().getPixels(), new int[] { height, width }, reduce,
			"region mask " + region_mask.getName());
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
