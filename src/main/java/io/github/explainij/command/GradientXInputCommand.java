package io.github.explainij.command;

import io.github.explainij.method.AttributionMethod;
import io.github.explainij.method.gradient.GradientXInput;

import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/** Plugins > Explain-IJ > Attribution > Gradient x Input (CLI: {@code gradient-x-input}). */
@Plugin(type = Command.class, name = "gradient-x-input", label = GradientXInput.NAME,
	menuPath = Options.MENU_ATTRIBUTION + ">" + GradientXInput.NAME,
	description = "Raw pixel value times the gradient of the class score (Captum's InputXGradient); signed")
public class GradientXInputCommand extends AttributionCommand {

	@Parameter(label = "One slice per channel", description = Options.PER_CHANNEL_DESCRIPTION)
	private boolean per_channel = false;

	@Override
	public AttributionMethod method() {
		return new GradientXInput(per_channel);
	}
}
