package io.github.explainij.command;

import io.github.explainij.method.AttributionMethod;
import io.github.explainij.method.SaliencyMap;

import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/** Plugins > Explain-IJ > Attribution > Saliency Map (CLI: {@code saliency}). */
@Plugin(type = Command.class, name = "saliency", label = SaliencyMap.NAME,
	menuPath = Options.MENU_ATTRIBUTION + ">" + SaliencyMap.NAME,
	description = "Gradient of the class score with respect to the pixels (Simonyan et al. 2014)")
public class SaliencyCommand extends AttributionCommand {

	@Parameter(label = "Absolute value", description = "Show how strongly each pixel matters, whatever the direction (|gradient|, the largest over " +
		"channels, as Simonyan et al.); untick to see whether brightening a pixel raises (positive) or lowers the score")
	private boolean absolute = true;

	@Parameter(label = "One slice per channel", description = Options.PER_CHANNEL_DESCRIPTION)
	private boolean per_channel = false;

	@Override
	public AttributionMethod method() {
		return new SaliencyMap(absolute, per_channel);
	}
}
