package io.github.explainij.command;

import io.github.explainij.method.AttributionMethod;
import io.github.explainij.method.gradient.InteriorGradients;

import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/** Plugins > Explain-IJ > Attribution > Interior Gradients (CLI: {@code interior-gradients}). */
@Plugin(type = Command.class, name = "interior-gradients", label = InteriorGradients.NAME,
	menuPath = Options.MENU_ATTRIBUTION + ">" + InteriorGradients.NAME,
	description = "Gradients at scaled copies alpha x image, one slice per alpha (Sundararajan et al., gradients of counterfactuals)")
public class InteriorGradientsCommand extends AttributionCommand {

	@Parameter(label = "Alphas (brightness scales)", description = "The image is dimmed to each of these fractions of its " +
		"brightness (0 to 1, comma-separated; '...' continues a sequence, e.g. " + Options.ALPHAS_DEFAULT + "); one map per value")
	private String alphas = Options.ALPHAS_DEFAULT;

	@Parameter(label = "Absolute value", description = "Show how strongly each pixel matters, whatever the direction (|gradient|, the largest over channels); " +
		"untick to see the sign (gradient summed over channels)")
	private boolean absolute = false;

	@Parameter(label = "Batch size (0 = automatic)", min = "0", description = Options.BATCH_SIZE_DESCRIPTION)
	private int batch_size = 0;

	@Override
	public AttributionMethod method() {
		return new InteriorGradients(alphas, absolute, batch_size);
	}
}
