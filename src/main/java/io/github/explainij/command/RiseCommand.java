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

	@Parameter(label = "Masks", min = "1", description = "number of random masks (forward passes)")
	private int masks = 2000;

	@Parameter(label = "Cell size", min = "0", description = "side of a cell of the random grid (in 'units'), before bilinear upsampling")
	private double cell = 8;

	@Parameter(label = "Units", choices = { Options.UNITS_PIXELS, Options.UNITS_CALIBRATED }, description = Options.UNITS_DESCRIPTION)
	private String units = Options.UNITS_PIXELS;

	@Parameter(label = "Keep probability p", description = "probability that a grid cell is kept (shows the image)")
	private double p = 0.5;

	@Parameter(label = "Random seed", description = "the same seed gives the same masks and the same map")
	private long seed = 0;

	@Parameter(label = "Fill", choices = { Options.FILL_ZERO, Options.FILL_MEAN, Options.FILL_BLUR },
		description = "what masked-out pixels become, in raw intensities (zero: image * mask, as the paper)")
	private String fill = Options.FILL_ZERO;

	@Parameter(label = "Batch size", min = "0", description = Options.BATCH_SIZE_DESCRIPTION)
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
