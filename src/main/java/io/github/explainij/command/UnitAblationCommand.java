package io.github.explainij.command;

import ij.gui.Plot;
import ij.measure.ResultsTable;

import io.github.explainij.evaluate.UnitAblation;
import io.github.explainij.model.Network;
import io.github.explainij.workflow.ImageFolder;

import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import java.io.File;
import java.util.List;

/** Unit ablation ({@link UnitAblation}) over a labelled folder: a table per zeroed channel and a plot of the accuracy change. */
@Plugin(type = Command.class, name = "ablation", menuPath = Options.MENU_EVALUATE + ">Unit Ablation", label = "Unit Ablation",
	description = "What does one channel of a layer contribute? Over a labelled folder, the channel is set to 0 (or each channel in turn) " +
		"and the rest of the network runs again: the change in accuracy and in each class's mean score tells which units the decisions need.")
public class UnitAblationCommand extends AnalysisCommand {

	@Parameter(label = "Folder of labelled images", style = "directory", description = Options.INPUT_DIR_DESCRIPTION)
	protected File input_dir;

	@Parameter(label = "Layer", description = Options.LAYER_DESCRIPTION)
	protected String layer = "";

	@Parameter(label = "Channel", description = "The channel (unit) to set to 0, counted from 0; -1 sets each channel to 0 in turn.")
	protected int channel = -1;

	@Override
	protected AnalysisResults analyse(final Network network) {
		final ImageFolder folder = ImageFolder.open(folder(input_dir, Options.INPUT_DIR).toPath());
		final String stage = Options.layerOrDefault(layer, network);
		if (channel < -1) throw new io.github.explainij.ExplainException("channel must be -1 (each in turn) or a channel number from 0, not " + channel);
		final UnitAblation ablation = UnitAblation.run(network, folder, stage, channel, progress());
		final List<String> classes = network.spec().classes();
		final UnitAblation.Row intact = ablation.rows().get(0);
		final ResultsTable table = new ResultsTable();
		table.showRowNumbers(false);
		final int rows = ablation.rows().size();
		final double[] x = new double[rows - 1], change = new double[rows - 1];
		for (int r = 0; r < rows; r++) {
			final UnitAblation.Row row = ablation.rows().get(r);
			table.incrementCounter();
			table.addValue("layer", stage);
			table.addValue("channel", row.channel < 0 ? "none" : String.valueOf(row.channel));
			table.addValue("accuracy", row.accuracy);
			table.addValue("accuracy_change", row.accuracy - intact.accuracy);
			for (int k = 0; k < row.classScores.length; k++) {
				final String name = k < classes.size() ? classes.get(k) : String.valueOf(k);
				table.addValue("score_" + name, row.classScores[k]);
				table.addValue("score_change_" + name, row.classScores[k] - intact.classScores[k]);
			}
			if (r > 0) {
				x[r - 1] = row.channel;
				change[r - 1] = row.accuracy - intact.accuracy;
			}
		}
		for (int c = 0; c < table.getLastColumn() + 1; c++) {
			if (table.columnExists(c) && !table.getColumnHeading(c).equals("layer") && !table.getColumnHeading(c).equals("channel")) {
				table.setDecimalPlaces(c, -8);
			}
		}
		final Plot plot = new Plot("Unit ablation of " + stage, "channel set to 0", "change in accuracy");
		plot.add("separated bar", x, change);
		return new AnalysisResults().table("Explain-IJ unit ablation", table).plot("accuracy", plot)
			.property("layer", stage).property("images", String.valueOf(folder.size()))
			.property("accuracy", String.valueOf(intact.accuracy));
	}
}
