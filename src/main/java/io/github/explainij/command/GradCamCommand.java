package io.github.explainij.command;

import io.github.explainij.method.cam.ClassActivationMap;
import io.github.explainij.method.cam.GradCam;

import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/** Plugins > Explain-IJ > Attribution > Grad-CAM (CLI: {@code grad-cam}). */
@Plugin(type = Command.class, name = "grad-cam", label = GradCam.NAME,
	menuPath = Options.MENU_ATTRIBUTION + ">" + GradCam.NAME,
	description = "Grad-CAM (Selvaraju et al. 2017): a layer's channels weighted by the mean gradient of the class score, as Captum's LayerGradCam")
public class GradCamCommand extends ClassActivationMapCommand {

	@Parameter(label = "Only positive evidence", description = Options.RELU_DESCRIPTION)
	private boolean relu = true;

	@Override
	public ClassActivationMap method() {
		return new GradCam(layer, relu);
	}
}
