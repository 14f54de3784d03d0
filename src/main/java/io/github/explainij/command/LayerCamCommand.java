package io.github.explainij.command;

import io.github.explainij.method.cam.ClassActivationMap;
import io.github.explainij.method.cam.LayerCam;

import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/** Plugins > Explain-IJ > Attribution > Layer-CAM (CLI: {@code layer-cam}). */
@Plugin(type = Command.class, name = "layer-cam", label = LayerCam.NAME,
	menuPath = Options.MENU_ATTRIBUTION + ">" + LayerCam.NAME,
	description = "Layer-CAM (Jiang et al. 2021): every activation weighted by its own positive gradient, as pytorch-grad-cam")
public class LayerCamCommand extends ClassActivationMapCommand {

	@Parameter(label = "Only positive evidence", description = Options.RELU_DESCRIPTION)
	private boolean relu = true;

	@Override
	public ClassActivationMap method() {
		return new LayerCam(layer, relu);
	}
}
