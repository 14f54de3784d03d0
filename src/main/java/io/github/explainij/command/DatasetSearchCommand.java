package io.github.explainij.command;

import ij.ImagePlus;
import ij.measure.ResultsTable;

import io.github.explainij.inspect.DatasetSearch;
import io.github.explainij.inspect.ReceptiveField;
import io.github.explainij.model.Network;
import io.github.explainij.render.PaddedStack;
import io.github.explainij.workflow.ImageFolder;

import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.widget.FileWidget;

import java.io.File;
import java.util.List;

/** Dataset search: the images of a folder that drive one channel most, and the patches under its receptive field. */
@Plugin(type = Command.class, name = "dataset-search", menuPath = Options.MENU_INSIDE + ">Dataset Search", label = "Dataset Search",
	description = "Which images of a folder make one channel of a layer respond most (Zeiler and Fergus): the images ranked by the " +
		"channel's highest activation, with the image patch that position of the layer sees (its receptive field) as a stack.")
public class DatasetSearchCommand extends AnalysisCommand {

	@Parameter(label = "Folder of images", style = FileWidget.DIRECTORY_STYLE, description = Options.INPUT_DIR_DESCRIPTION)
	protected File input_dir;

	@Parameter(label = "Layer", description = Options.LAYER_DESCRIPTION)
	protected String layer = "";

	@Parameter(label = "Channel", min = "0", description = "The channel (unit) of the layer, numbered from 0 as in PyTorch.")
	protected int channel = 0;

	@Parameter(label = "Number of images", min = "1", description = "How many images to show, the strongest first.")
	protected int top = 9;

	@Override
	protected AnalysisResults analyse(final Network network) {
		final ImageFolder folder = ImageFolder.open(folder(input_dir, "the folder of images").toPath());
		final String stage = Options.layerOrDefault(layer, network);
		final List<DatasetSearch.Hit> hits = DatasetSearch.search(network, folder, stage, channel, top, progress());
		final ResultsTable table = new ResultsTable();
		table.showRowNumbers(false);
		final PaddedStack patches = new PaddedStack();
		for (final DatasetSearch.Hit h : hits) {
			table.incrementCounter();
			table.addValue("rank", h.rank);
			table.addValue("file", h.entry.name);
			if (folder.labelled()) table.addValue("label", h.entry.label);
			table.addValue("x", h.x);
			table.addValue("y", h.y);
			table.addValue("activation", h.activation);
			table.addValue("patch_x0", h.x0);
			table.addValue("patch_y0", h.y0);
			table.addValue("patch_x1", h.x1);
			table.addValue("patch_y1", h.y1);
			patches.add(h.patch, h.patchWidth(), h.patchHeight(), h.x0 == 0 && h.x1 < h.imageWidth - 1, h.y0 == 0 && h.y1 < h.imageHeight - 1,
				"#" + h.rank + " " + h.entry.name + (h.entry.label == null ? "" : " (" + h.entry.label + ")") + " at (" + h.x + ", " + h.y +
					") = " + h.activation);
		}
		table.setDecimalPlaces(table.getColumnIndex("activation"), -8);
		final String what = stage + " channel " + channel;
		final ImagePlus out = patches.build("Dataset search of " + what + " (" + folder.dir().getFileName() + ")");
		out.setProperty("Info", "Explain-IJ dataset search\nlayer: " + stage + "\nchannel: " + channel + "\nfolder: " + folder.dir() +
			"\nreceptive field: gradient support over " + ReceptiveField.PROBES + " seeded random inputs");
		out.setProp("method", "dataset-search");
		out.setProp("layer", stage);
		out.setProp("channel", Integer.toString(channel));
		out.setProp("source", folder.dir().toString());
		return new AnalysisResults().image("patches", out).table("Explain-IJ dataset search", table)
			.property("images_searched", Integer.toString(folder.size()));
	}
}
