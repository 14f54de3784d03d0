package io.github.explainij.command;

import ij.ImagePlus;
import ij.ImageStack;
import ij.measure.ResultsTable;
import ij.plugin.MontageMaker;
import ij.process.FloatProcessor;

import io.github.explainij.image.ImagePlusAdapter;
import io.github.explainij.inspect.FeatureMaps;
import io.github.explainij.model.Network;

import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/** Feature maps: a stage's activations for the current image, one slice per channel, and a table per channel. */
@Plugin(type = Command.class, name = "feature-maps", menuPath = Options.MENU_INSIDE + ">Feature Maps", label = "Feature Maps",
	description = "The activations of one layer for this image: one slice per channel at the layer's own resolution (raw values), " +
		"and a table per channel (mean, maximum, fraction of zeros: a channel that is always zero is dead).")
public class FeatureMapsCommand extends AnalysisCommand {

	@Parameter(label = "Image", description = "the image whose activations are shown (the active image)")
	protected ImagePlus image;

	@Parameter(label = "Layer", description = Options.LAYER_DESCRIPTION)
	protected String layer = "";

	@Parameter(label = "Also a montage", description = "Also show the channels side by side in one image (Image > Stacks > Make Montage).")
	protected boolean montage = false;

	@Override
	protected AnalysisResults analyse(final Network network) {
		final ImagePlus source = sourceImage(image);
		final String stage = Options.layerOrDefault(layer, network);
		final FeatureMaps maps = FeatureMaps.of(network, ImagePlusAdapter.planes(ImagePlusAdapter.currentPlanes(source)), source.getWidth(),
			source.getHeight(), stage);
		final ImageStack stack = new ImageStack(maps.width(), maps.height());
		final ResultsTable table = new ResultsTable();
		table.showRowNumbers(false);
		for (int c = 0; c < maps.channels(); c++) {
			stack.addSlice(stage + " channel " + c, new FloatProcessor(maps.width(), maps.height(), maps.channel(c)));
			table.incrementCounter();
			table.addValue("layer", stage);
			table.addValue("channel", c);
			table.addValue("mean", maps.mean(c));
			table.addValue("max", maps.max(c));
			table.addValue("fraction_zero", maps.fractionZero(c));
		}
		// activations are in the network's own units (mostly 0.001 .. 100): plain decimals read best; the TIFF keeps every digit
		table.setDecimalPlaces(table.getColumnIndex("mean"), 5);
		table.setDecimalPlaces(table.getColumnIndex("max"), 5);
		table.setDecimalPlaces(table.getColumnIndex("fraction_zero"), 4);
		final ImagePlus out = new ImagePlus("Feature maps of " + stage + " (" + source.getTitle() + ")", stack);
		out.setProperty("Info", "Explain-IJ feature maps\nlayer: " + stage + "\nsource: " + source.getTitle());
		out.setProp("method", "feature-maps");
		out.setProp("layer", stage);
		out.setProp("source", source.getTitle());
		out.resetDisplayRange();
		final AnalysisResults results = new AnalysisResults().image("maps", out).table("Explain-IJ feature maps", table);
		if (montage) {
			final int columns = (int) Math.ceil(Math.sqrt(maps.channels()));
			final int rows = (int) Math.ceil(maps.channels() / (double) columns);
			final ImagePlus m = new MontageMaker().makeMontage2(out, columns, rows, 1.0, 1, maps.channels(), 1, 1, false);
			m.setTitle("Montage of " + out.getTitle());
			results.image("montage", m);
		}
		return results;
	}
}
