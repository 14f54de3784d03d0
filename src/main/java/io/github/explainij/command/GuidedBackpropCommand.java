package io.github.explainij.command;

import io.github.explainij.method.AttributionMethod;
import io.github.explainij.method.relevance.GuidedBackprop;

import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/** Plugins > Explain-IJ > Attribution > Guided Backpropagation (CLI: {@code guided-backprop}). */
@Plugin(type = Command.class, name = "guided-backprop", label = GuidedBackprop.NAME,
	menuPath = Options.MENU_ATTRIBUTION + ">" + GuidedBackprop.NAME,
	description = "Gradient in which ReLUs pass back only positive gradient where they were active (Springenberg et al. 2015)")
public class GuidedBackpropCommand extends AttributionCommand {

	@Parameter(label = "One slice per channel", description = Options.PER_CHANNEL_DESCRIPTION)
	private boolean per_channel = false;

	@Override
	public AttributionMethod method() {
		return new GuidedBackprop(per_channel);
	}
}
