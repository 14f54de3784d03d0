package io.github.explainij.command;

import io.github.explainij.method.AttributionMethod;
import io.github.explainij.method.gradient.IntegratedGradients;
import io.github.explainij.method.gradient.Integration;

import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/** Plugins > Explain-IJ > Attribution > Integrated Gradients (CLI: {@code integrated-gradients}). */
@Plugin(type = Command.class, name = "integrated-gradients", label = IntegratedGradients.NAME,
	menuPath = Options.MENU_ATTRIBUTION + ">" + IntegratedGradients.NAME,
	description = "Path integral of gradients from a baseline to the image (Sundararajan et al. 2017; Captum's IntegratedGradients); signed")
public class IntegratedGradientsCommand extends AttributionCommand {

	@Parameter(label = "Steps", min = "1", description = "How many images between the baseline and the real image are used; more steps are more exact and " +
		"slower (50 is usual; check the result's 'delta')")
	private int steps = 50;

	@Parameter(label = "Integration rule", choices = { Options.INTEGRATION_GAUSS_LEGENDRE, Options.INTEGRATION_RIEMANN_LEFT,
		Options.INTEGRATION_RIEMANN_RIGHT, Options.INTEGRATION_RIEMANN_MIDDLE, Options.INTEGRATION_RIEMANN_TRAPEZOID },
		description = "How the steps are placed and summed (Captum's 'method'); gausslegendre is the most exact " +
		"for a given number of steps")
	private String integration = Options.INTEGRATION_GAUSS_LEGENDRE;

	@Parameter(label = "Baseline", choices = { Options.BASELINE_ZERO, Options.BASELINE_MEAN, Options.BASELINE_BLUR, Options.BASELINE_NOISE },
		description = "The 'empty' image the path starts from: black (zero), a flat image at the mean, the image blurred, " +
			"or noise with the image's statistics. The map explains the score's difference between it and the image.")
	private String baseline = Options.BASELINE_ZERO;

	@Parameter(label = "Random seed", description = Options.SEED_DESCRIPTION + " Used only by the noise baseline.")
	private long seed = 1;

	@Parameter(label = "Batch size (0 = automatic)", min = "0", description = Options.BATCH_SIZE_DESCRIPTION)
	private int batch_size = 0;

	@Parameter(label = "One slice per channel", description = Options.PER_CHANNEL_DESCRIPTION)
	private boolean per_channel = false;

	@Override
	public AttributionMethod method() {
		return new IntegratedGradients(steps, Integration.parse(integration), baseline, seed, batch_size, per_channel);
	}
}
