package io.github.explainij.command;

import ij.ImagePlus;
import ij.gui.Roi;
import ij.measure.ResultsTable;

import io.github.explainij.image.ImagePlusAdapter;
import io.github.explainij.inspect.ReceptiveField;
import io.github.explainij.model.Network;

import java.awt.Color;

import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/** Receptive field: the image rectangle that can influence one position of a stage, as a ROI and a table row. */
@Plugin(type = Command.class, name = "receptive-field", menuPath = Options.MENU_INSIDE + ">Receptive Field", label = "Receptive Field",
	description = "The rectangle of the image that can influence one position (x, y) of a layer's grid: analytic from the kernel sizes, " +
		"strides and paddings where the layers' kinds are known, else the support of the gradient. Drawn as a ROI on a copy of the " +
		"image; the table gives x0, y0, x1, y1 (inclusive, clipped to the image), the unclipped width and height, and how it was found.")
public class ReceptiveFieldCommand extends AnalysisCommand {

	@Parameter(label = "Image", description = "the image the rectangle is drawn on (the active image)")
	protected ImagePlus image;

	@Parameter(label = "Layer", description = Options.LAYER_DESCRIPTION)
	protected String layer = "";

	@Parameter(label = "x (on the layer's grid)", description = "The column on the layer's own grid (0 = left), not in image pixels.")
	protected int x = 0;

	@Parameter(label = "y (on the layer's grid)", description = "The row on the layer's own grid (0 = top), not in image pixels.")
	protected int y = 0;

	@Override
	protected AnalysisResults analyse(final Network network) {
		final ImagePlus source = sourceImage(image);
		final String stage = Options.layerOrDefault(layer, network);
		final ReceptiveField rf = ReceptiveField.of(network, ImagePlusAdapter.planes(ImagePlusAdapter.currentPlanes(source)), source.getWidth(),
			source.getHeight(), stage, x, y);
		final ImagePlus out = source.crop("whole-slice");
		out.setTitle("Receptive field of " + stage + " (" + x + ", " + y + ") in " + source.getTitle());
		final Roi roi = new Roi(rf.x0(), rf.y0(), rf.x1() - rf.x0() + 1, rf.y1() - rf.y0() + 1);
		roi.setName("receptive field of " + stage + " (" + x + ", " + y + ")");
		roi.setStrokeColor(Color.YELLOW);
		out.setRoi(roi);
		out.setProperty("Info", "Explain-IJ receptive field\nlayer: " + stage + "\nposition: " + x + ", " + y + "\nfound by: " + rf.foundBy() +
			(rf.why() == null ? "" : " (" + rf.why() + ")") + "\nsource: " + source.getTitle());
		out.setProp("method", "receptive-field");
		out.setProp("layer", stage);
		out.setProp("found_by", rf.foundBy());
		final ResultsTable table = new ResultsTable();
		table.showRowNumbers(false);
		table.incrementCounter();
		table.addValue("layer", stage);
		table.addValue("x", x);
		table.addValue("y", y);
		table.addValue("x0", rf.x0());
		table.addValue("y0", rf.y0());
		table.addValue("x1", rf.x1());
		table.addValue("y1", rf.y1());
		table.addValue("width", rf.width());
		table.addValue("height", rf.height());
		table.addValue("found_by", rf.foundBy());
		return new AnalysisResults().image("field", out).table("Explain-IJ receptive field", table).property("found_by", rf.foundBy());
	}
}
