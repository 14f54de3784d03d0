package io.github.explainij.command;

import io.github.explainij.method.AttributionMethod;
import io.github.explainij.method.cam.GuidedGradCam;

import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/** Plugins > Explain-IJ > Attribution > Guided Grad-CAM (CLI: {@code guided-grad-cam}). */
@Plugin(type = Command.class, name = "guided-grad-cam", label = GuidedGradCam.NAME,
	menuPath = Options.MENU_ATTRIBUTION + ">" + GuidedGradCam.NAME,
	description = "Guided backpropagation times the upsampled Grad-CAM map (Selvaraju et al. 2017), as Captum's GuidedGradCam")
public class GuidedGradCamCommand extends AttributionCommand {

	@Parameter(label = "Layer", required = false, description = Options.CAM_LAYER_DESCRIPTION)
	private String layer = "";

	@Parameter(label = "Enlarging the coarse map", choices = { GuidedGradCam.BILINEAR, GuidedGradCam.NEAREST },
		description = "How the Grad-CAM map is enlarged to the image: bilinear (smooth, as the Grad-CAM command) or nearest " +
			"(blocky, Captum's GuidedGradCam default)")
	private String upsample = GuidedGradCam.BILINEAR;

	@Parameter(label = "One slice per channel", description = Options.PER_CHANNEL_DESCRIPTION)
	private boolean per_channel = false;

	@Override
	public AttributionMethod method() {
		return new GuidedGradCam(layer, upsample, per_channel);
	}
}
