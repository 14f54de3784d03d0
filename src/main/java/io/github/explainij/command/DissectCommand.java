package io.github.explainij.command;

import ij.ImagePlus;
import ij.measure.ResultsTable;
import ij.process.ColorProcessor;

import io.github.explainij.ExplainException;
import io.github.explainij.inspect.Dissection;
import io.github.explainij.model.Network;
import io.github.explainij.render.Tiles;
import io.github.explainij.workflow.ImageFolder;

import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.widget.FileWidget;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Network dissection: how well each channel of a layer, thresholded, outlines the concept masks of a folder (Bau et al.). */
@Plugin(type = Command.class, name = "dissect", menuPath = Options.MENU_INSIDE + ">Network Dissection", label = "Network Dissection",
	description = "Which channels of a layer outline a concept: each channel is thresholded at the level only its top activations " +
		"(quantile) exceed over the whole folder, upsampled to the image, and compared with the concept masks (masks/ beside images/); " +
		"the table ranks the channels by intersection over union (IoU), the montage shows the best ones.")
public class DissectCommand extends AnalysisCommand {

	/** Colour of where a unit fires (red) and of the concept's outline (green) in the montage. */
	static final int FIRES = 0xff0000, CONCEPT = 0x00ff00;

	@Parameter(label = "Folder (images/ and masks/)", style = FileWidget.DIRECTORY_STYLE, description = Options.INPUT_DIR_DESCRIPTION +
		" Dissection needs a mask for every image: the concept (e.g. the evidence masks of the sample data).")
	protected File input_dir;

	@Parameter(label = "Layer", description = Options.LAYER_DESCRIPTION)
	protected String layer = "";

	@Parameter(label = "Quantile", min = "0", max = "1", stepSize = "0.001", description = "The fraction of each channel's activations " +
		"(over all images and positions) above its threshold: 0.005 (Bau et al.) keeps the top 0.5 %. Larger values make each unit " +
		"fire over larger areas.")
	protected double quantile = 0.005;

	@Parameter(label = "Units shown", min = "1", description = "How many of the best channels the montage shows (each on the image " +
		"where it matches the concept best: red where it fires, the concept outlined in green).")
	protected int units = 8;

	@Override
	protected AnalysisResults analyse(final Network network) {
		final ImageFolder folder = ImageFolder.open(folder(input_dir, "the folder").toPath());
		if (units < 1) throw new ExplainException("units must be at least 1 (how many channels the montage shows), not " + units);
		final String stage = Options.layerOrDefault(layer, network);
		final Dissection d = Dissection.of(network, folder, stage, quantile, progress());
		final ResultsTable table = new ResultsTable();
		table.showRowNumbers(false);
		int rank = 0;
		for (final Dissection.Unit u : d.ranked()) {
			table.incrementCounter();
			table.addValue("rank", ++rank);
			table.addValue("channel", u.channel);
			table.addValue("threshold", u.threshold);
			table.addValue("iou", u.iou);
			table.addValue("intersection", u.intersection);
			table.addValue("union", u.union);
			table.addValue("best_image", u.bestImage < 0 ? "" : d.entries().get(u.bestImage).name);
			table.addValue("best_image_iou", u.bestIou);
		}
		for (final String c : new String[] { "threshold", "iou", "best_image_iou" }) table.setDecimalPlaces(table.getColumnIndex(c), -8);
		final List<ColorProcessor> tiles = new ArrayList<>();
		final List<String> labels = new ArrayList<>();
		for (final Dissection.Unit u : d.ranked().subList(0, Math.min(units, d.channels()))) {
			final int i = Math.max(0, u.bestImage);
			final ImageFolder.Image image = ImageFolder.read(d.entries().get(i));
			final ColorProcessor tile = Tiles.grey(image.planes, image.width, image.height);
			Tiles.tint(tile, d.fires(u, i), FIRES, 0.5);
			Tiles.outline(tile, ImageFolder.readMask(d.entries().get(i), image.width, image.height), CONCEPT);
			tiles.add(tile);
			labels.add(String.format(Locale.ROOT, "channel %d, IoU %.4f (%s)", u.channel, u.iou, image.entry.name));
		}
		final String name = folder.dir().getFileName().toString();
		final ImagePlus montage = Tiles.montage("Dissection of " + stage + " (" + name + ")", tiles, labels, 4);
		final Dissection.Unit top = d.ranked().get(0);
		montage.setProperty("Info", "Explain-IJ network dissection\nlayer: " + stage + "\nquantile: " + quantile + "\nfolder: " + folder.dir() +
			"\nmontage: the best " + tiles.size() + " units by IoU, row by row; red: where the unit fires, green: the concept's outline\n" +
			String.join("\n", labels));
		return new AnalysisResults().image("units", montage).table("Explain-IJ dissection", table)
			.property("method", "dissect").property("layer", stage).property("quantile", Double.toString(quantile))
			.property("images", Integer.toString(folder.size())).property("best_channel", Integer.toString(top.channel))
			.property("best_iou", String.format(Locale.ROOT, "%.6f", top.iou));
	}
}
