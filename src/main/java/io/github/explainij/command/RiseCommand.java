package io.github.explainij.command;

import io.github.explainij.method.Attribution;
import io.github.explainij.method.ExplainRequest;
import io.github.explainij.method.perturbation.Fill;
import io.github.explainij.method.perturbation.Rise;

import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/** Plugins > Explain-IJ > Attribution > RISE (CLI: {@code rise}). */
@Plugin(type = Command.class, name = "rise", label = Rise.NAME, menuPath = Options.MENU_ATTRIBUTION + ">" + Rise.NAME,
	description = "Scores of randomly masked copies, averaged with the masks as weights (Petsiuk et al. 2018)")
public class RiseCommand extends AttributionCommand {

	@Parameter(label = "Masks", min = "1", description = "How many randomly masked copies are scored (one network pass each). More masks give a " +
		"steadier map and take longer.")
	private int masks = 2000;

	@Parameter(label = "Cell size", min = "0", description = "Size of the blocks that are hidden or shown (in Units; the random grid is then smoothed). " +
		"About the size of the structures that matter.")
	private double cell = 8;

	@Parameter(label = "Units", choices = { Options.UNITS_PIXELS, Options.UNITS_CALIBRATED }, description = Options.UNITS_DESCRIPTION)
	private String units = Options.UNITS_PIXELS;

	@Parameter(label = "P (share of the image kept)", description = "Probability that a block is kept visible in a mask (0 to 1; " +
		"0.5 hides half of the image on average)")
	private double p = 0.5;

	@Parameter(label = "Random seed", description = Options.SEED_DESCRIPTION)
	private long seed = 0;

	@Parameter(label = "Fill", choices = { Options.FILL_ZERO, Options.FILL_MEAN, Options.FILL_BLUR },
		description = "What hidden pixels become: black (zero, as the paper), the image mean, or the blurred image")
	private String fill = Options.FILL_ZERO;

	@Parameter(label = "Batch size (0 = automatic)", min = "0", description = Options.BATCH_SIZE_DESCRIPTION)
	private int batch_size = 0;

	@Override
	public Rise method() {
		return new Rise(masks, PixelUnits.toPixels(cell, units, image, "cell"), p, seed, Fill.parse(fill, 0, false), batch_size);
	}

	@Override
	protected Attribution explain(final ExplainRequest request) {
		return method().explain(request).withParameter("units", units);
	}
}
