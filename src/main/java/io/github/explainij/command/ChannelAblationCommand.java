package io.github.explainij.command;

import io.github.explainij.method.AttributionMethod;
import io.github.explainij.method.perturbation.ChannelAblation;

import org.scijava.command.Command;
import org.scijava.plugin.Plugin;

/** Plugins > Explain-IJ > Attribution > Channel Ablation (CLI: {@code channel-ablation}). */
@Plugin(type = Command.class, name = "channel-ablation", label = ChannelAblation.NAME,
	menuPath = Options.MENU_ATTRIBUTION + ">" + ChannelAblation.NAME,
	description = "The score drop when each channel (stain) is replaced by its mean: which channel drove the decision; any model")
public class ChannelAblationCommand extends AttributionCommand {

	@Override
	public AttributionMethod method() {
		return new ChannelAblation();
	}
}
