package io.github.explainij.command;

import ij.ImagePlus;
import ij.measure.ResultsTable;
import ij.process.FloatProcessor;

import io.github.explainij.image.ImagePlusAdapter;
import io.github.explainij.inspect.UnitDeconvnet;
import io.github.explainij.model.Network;

import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/** Deconvnet projection of one activation: what a single unit at one position responds to, projected to pixels. */
@Plugin(type = Command.class, name = "deconvnet-unit", menuPath = Options.MENU_INSIDE + ">Deconvnet Projection of a Unit",
	label = "Deconvnet Projection of a Unit",
	description = "What one activation of a layer responds to in this image (Zeiler and Fergus): the deconvnet backward pass from the " +
		"activation of one channel at one position of the layer's grid to the image's pixels, through the max-pooling switches. " +
		"Equals Captum's NeuronDeconvolution with that neuron. A 32-bit map at the image's size, raw values.")
public class DeconvnetUnitCommand extends AnalysisCommand {

	@Parameter(label = "Image", description = "the image whose activation is projected (the active image)")
	protected ImagePlus image;

	@Parameter(label = "Layer", description = Options.LAYER_DESCRIPTION)
	protected String layer = "";

	@Parameter(label = "Channel", description = "The layer's channel (0 = first, as PyTorch counts).")
	protected int channel = 0;

	@Parameter(label = "x (on the layer's grid)", description = "The column on the layer's own grid (0 = left), not in image pixels.")
	protected int x = 0;

	@Parameter(label = "y (on the layer's grid)", description = "The row on the layer's own grid (0 = top), not in image pixels.")
	protected int y = 0;

	@Override
	protected AnalysisResults analyse(final Network network) {
		final ImagePlus source = sourceImage(image);
		final String stage = Options.layerOrDefault(layer, network);
		final UnitDeconvnet d = UnitDeconvnet.of(network, ImagePlusAdapter.currentPlanes(source), stage, channel, x, y);
		final float[] map = d.map();
		final ImagePlus out = new ImagePlus("Deconvnet of " + stage + " channel " + channel + " at (" + x + ", " + y + ") (" +
			source.getTitle() + ")", new FloatProcessor(d.width(), d.height(), map));
		out.setCalibration(source.getCalibration().copy());
		out.setProperty("Info", "Explain-IJ deconvnet projection of one activation\nlayer: " + stage + "\nchannel: " + channel +
			"\nposition: " + x + ", " + y + "\nactivation: " + d.activation() + "\nsource: " + source.getTitle());
		out.setProp("method", "deconvnet-unit");
		out.setProp("layer", stage);
		out.setProp("source", source.getTitle());
		out.resetDisplayRange();
		double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
		for (final float v : map) {
			min = Math.min(min, v);
			max = Math.max(max, v);
		}
		final ResultsTable table = new ResultsTable();
		table.showRowNumbers(false);
		table.incrementCounter();
		table.addValue("layer", stage);
		table.addValue("channel", channel);
		table.addValue("x", x);
		table.addValue("y", y);
		table.addValue("activation", d.activation());
		table.addValue("map_min", min);
		table.addValue("map_max", max);
		for (final String c : new String[] { "activation", "map_min", "map_max" }) table.setDecimalPlaces(table.getColumnIndex(c), -8);
		return new AnalysisResults().image("projection", out).table("Explain-IJ deconvnet unit", table)
			.property("activation", Float.toString(d.activation()));
	}
}
