package io.github.explainij.command;

import io.github.explainij.method.cam.ClassActivationMap;
import io.github.explainij.method.cam.GradCamPlusPlus;

import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/** Plugins > Explain-IJ > Attribution > Grad-CAM++ (CLI: {@code grad-cam-pp}). */
@Plugin(type = Command.class, name = "grad-cam-pp", label = GradCamPlusPlus.NAME,
	menuPath = Options.MENU_ATTRIBUTION + ">" + GradCamPlusPlus.NAME,
	description = "Grad-CAM++ (Chattopadhay et al. 2018): channel weights from positive gradients with second- and third-order terms, as pytorch-grad-cam")
public class GradCamPlusPlusCommand extends ClassActivationMapCommand {

	@Parameter(label = "Only positive evidence", description = Options.RELU_DESCRIPTION)
	private boolean relu = true;

	@Override
	public ClassActivationMap method() {
		return new GradCamPlusPlus(layer, relu);
	}
}
