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

	@Parameter(label = "Steps", min = "1", description = "points on the path from the baseline to the image")
	private int steps = 50;

	@Parameter(label = "Integration", choices = { Options.INTEGRATION_GAUSS_LEGENDRE, Options.INTEGRATION_RIEMANN_LEFT,
		Options.INTEGRATION_RIEMANN_RIGHT, Options.INTEGRATION_RIEMANN_MIDDLE, Options.INTEGRATION_RIEMANN_TRAPEZOID },
		description = "quadrature rule, as Captum's 'method' (default gausslegendre)")
	private String integration = Options.INTEGRATION_GAUSS_LEGENDRE;

	@Parameter(label = "Baseline", choices = { Options.BASELINE_ZERO, Options.BASELINE_MEAN, Options.BASELINE_BLUR, Options.BASELINE_NOISE },
		description = "the reference image, in raw values: black, the image's mean, the image blurred, or noise with its statistics")
	private String baseline = Options.BASELINE_ZERO;

	@Parameter(label = "Random seed", description = "seed of the noise baseline")
	private long seed = 1;

	@Parameter(label = "Batch size (0 = auto)", min = "0", description = Options.BATCH_SIZE_DESCRIPTION)
	private int batch_size = 0;

	@Parameter(label = "One slice per channel", description = Options.PER_CHANNEL_DESCRIPTION)
	private boolean per_channel = false;

	@Override
	public AttributionMethod method() {
		return new IntegratedGradients(steps, Integration.parse(integration), baseline, seed, batch_size, per_channel);
	}
}
