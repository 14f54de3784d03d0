package io.github.explainij.command;

import io.github.explainij.method.cam.ClassActivationMap;
import io.github.explainij.method.cam.Cam;

import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/** Plugins > Explain-IJ > Attribution > CAM (CLI: {@code cam}). */
@Plugin(type = Command.class, name = "cam", label = Cam.NAME,
	menuPath = Options.MENU_ATTRIBUTION + ">" + Cam.NAME,
	description = "Class activation mapping (Zhou et al. 2016): the features before global average pooling weighted by the class's linear weights")
public class CamCommand extends ClassActivationMapCommand {

	@Parameter(label = "Only positive evidence", description = Options.RELU_DESCRIPTION)
	private boolean relu = false;

	@Override
	public ClassActivationMap method() {
		return new Cam(layer, relu);
	}
}
