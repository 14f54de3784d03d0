package io.github.explainij.command;

import io.github.explainij.method.AttributionMethod;
import io.github.explainij.method.relevance.DeepLift;

import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/** Plugins > Explain-IJ > Attribution > DeepLIFT (CLI: {@code deeplift}). */
@Plugin(type = Command.class, name = "deeplift", label = DeepLift.NAME, menuPath = Options.MENU_ATTRIBUTION + ">" + DeepLift.NAME,
	description = "DeepLIFT rescale rule: the logit's difference from a baseline image shared out to the pixels (Shrikumar et al. 2017)")
public class DeepLiftCommand extends AttributionCommand {

	@Parameter(label = "Baseline", choices = { Options.BASELINE_ZERO, Options.BASELINE_MEAN, Options.BASELINE_BLUR },
		description = "The 'empty' image the real one is compared with: black (zero), a flat image at each channel's mean, or the " +
			"image blurred (Gaussian, sigma 5 px). The map explains the score's difference between the two.")
	private String baseline = Options.BASELINE_ZERO;

	@Parameter(label = "One slice per channel", description = Options.PER_CHANNEL_DESCRIPTION)
	private boolean per_channel = false;

	@Override
	public AttributionMethod method() {
		return new DeepLift(baseline, per_channel);
	}
}
