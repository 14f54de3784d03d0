package io.github.explainij.command;

import io.github.explainij.method.AttributionMethod;
import io.github.explainij.method.relevance.Deconvnet;

import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/** Plugins > Explain-IJ > Attribution > Deconvnet (CLI: {@code deconvnet}). */
@Plugin(type = Command.class, name = "deconvnet", label = Deconvnet.NAME,
	menuPath = Options.MENU_ATTRIBUTION + ">" + Deconvnet.NAME,
	description = "Backward pass in which ReLUs pass back only positive signal, ignoring the forward mask (Zeiler and Fergus 2014)")
public class DeconvnetCommand extends AttributionCommand {

	@Parameter(label = "One slice per channel", description = Options.PER_CHANNEL_DESCRIPTION)
	private boolean per_channel = false;

	@Override
	public AttributionMethod method() {
		return new Deconvnet(per_channel);
	}
}
