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

	@Parameter(label = "Alphas", description = "scaling factors in [0, 1], comma-separated; '...' continues a sequence, e.g. " +
		Options.ALPHAS_DEFAULT)
	private String alphas = Options.ALPHAS_DEFAULT;

	@Parameter(label = "Absolute value", description = "false: signed gradient summed over channels; true: |gradient|, max over channels")
	private boolean absolute = false;

	@Parameter(label = "Batch size (0 = auto)", min = "0", description = Options.BATCH_SIZE_DESCRIPTION)
	private int batch_size = 0;

	@Override
	public AttributionMethod method() {
		return new InteriorGradients(alphas, absolute, batch_size);
	}
}
