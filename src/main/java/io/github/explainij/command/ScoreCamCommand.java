package io.github.explainij.command;

import io.github.explainij.method.cam.ClassActivationMap;
import io.github.explainij.method.cam.ScoreCam;

import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/** Plugins > Explain-IJ > Attribution > Score-CAM (CLI: {@code score-cam}). */
@Plugin(type = Command.class, name = "score-cam", label = ScoreCam.NAME,
	menuPath = Options.MENU_ATTRIBUTION + ">" + ScoreCam.NAME,
	description = "Score-CAM (Wang et al. 2020): channels weighted by the class score of the input masked with each upsampled channel, as pytorch-grad-cam")
public class ScoreCamCommand extends ClassActivationMapCommand {

	@Parameter(label = "Only positive evidence", description = Options.RELU_DESCRIPTION)
	private boolean relu = true;

	@Parameter(label = "Batch size (0 = automatic)", min = "0", description = Options.BATCH_SIZE_DESCRIPTION)
	private int batch_size = 0;

	@Override
	public ClassActivationMap method() {
		return new ScoreCam(layer, relu, batch_size);
	}
}
