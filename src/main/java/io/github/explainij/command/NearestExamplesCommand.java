package io.github.explainij.command;

import ij.ImagePlus;
import ij.measure.ResultsTable;
import ij.process.ColorProcessor;

import io.github.explainij.image.ImagePlusAdapter;
import io.github.explainij.inspect.NearestExamples;
import io.github.explainij.model.Network;
import io.github.explainij.render.PaddedStack;
import io.github.explainij.render.Tiles;
import io.github.explainij.workflow.ImageFolder;

import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.widget.FileWidget;

import java.io.File;
import java.util.ArrayList;
import java.util.List;

/** Explanation by example: the images of a folder that the network sees as most like this one. */
@Plugin(type = Command.class, name = "nearest-examples", menuPath = Options.MENU_INSIDE + ">Nearest Examples", label = "Nearest Examples",
	description = "The images of a folder closest to this image in one layer's activations (explanation by example), with their labels " +
		"when the folder is labelled: a table, a stack of the images (raw values) and a montage with this image first, nearest first.")
public class NearestExamplesCommand extends AnalysisCommand {

	/** The frame of the image itself in the montage (orange). */
	private static final int QUERY_FRAME = 0xff7f0e;

	@Parameter(label = "Image", description = "the image whose neighbours are looked for (the active image)")
	protected ImagePlus image;

	@Parameter(label = "Folder of images", style = FileWidget.DIRECTORY_STYLE, description = Options.INPUT_DIR_DESCRIPTION)
	protected File input_dir;

	@Parameter(label = "Layer", description = Options.LAYER_DESCRIPTION)
	protected String layer = "";

	@Parameter(label = "Distance", choices = { NearestExamples.COSINE, NearestExamples.EUCLIDEAN },
		description = "cosine: how differently the activations point (ignores their overall strength); euclidean: the straight distance.")
	protected String metric = NearestExamples.COSINE;

	@Parameter(label = "Number of images", min = "1", description = "How many of the closest images to show.")
	protected int k = 5;

	@Parameter(label = "Pooling", choices = { NearestExamples.POOL_NONE, NearestExamples.POOL_MEAN },
		description = "none: compare the activations position by position (images of one size); mean: average each channel over the " +
			"image first (any sizes; where things are no longer matters).")
	protected String pool = NearestExamples.POOL_NONE;

	@Override
	protected AnalysisResults analyse(final Network network) {
		final ImagePlus source = sourceImage(image);
		final ImageFolder folder = ImageFolder.open(folder(input_dir, "the folder of images").toPath());
		final String stage = Options.layerOrDefault(layer, network);
		final NearestExamples.Metric m = NearestExamples.Metric.of(metric);
		final NearestExamples.Pool p = NearestExamples.Pool.of(pool);
		final List<NearestExamples.Neighbour> found = NearestExamples.find(network,
			ImagePlusAdapter.planes(ImagePlusAdapter.currentPlanes(source)), source.getWidth(), source.getHeight(), folder, stage, m, p, k,
			progress());
		final ResultsTable table = new ResultsTable();
		table.showRowNumbers(false);
		final PaddedStack stack = new PaddedStack();
		// the montage: the image itself (framed), then its neighbours, nearest first, in one row
		final float[][] queryPlanes = ImagePlusAdapter.planes(ImagePlusAdapter.currentPlanes(source));
		final ColorProcessor queryTile = Tiles.grey(queryPlanes, source.getWidth(), source.getHeight());
		Tiles.frame(queryTile, QUERY_FRAME, Math.max(1, Math.min(source.getWidth(), source.getHeight()) / 32));
		final List<ColorProcessor> tiles = new ArrayList<>(List.of(queryTile));
		final List<String> tileLabels = new ArrayList<>(List.of("the image: " + source.getTitle()));
		for (final NearestExamples.Neighbour n : found) {
			table.incrementCounter();
			table.addValue("rank", n.rank);
			table.addValue("file", n.entry.name);
			if (folder.labelled()) table.addValue("label", n.entry.label);
			table.addValue("distance", n.distance);
			final ImageFolder.Image im = ImageFolder.read(n.entry);
			final String label = "#" + n.rank + " " + n.entry.name + (n.entry.label == null ? "" : " (" + n.entry.label + ")") + " " + m + " " +
				(float) n.distance;
			stack.add(im.planes, im.width, im.height, false, false, label);
			tiles.add(Tiles.grey(im.planes, im.width, im.height));
			tileLabels.add(label);
		}
		table.setDecimalPlaces(table.getColumnIndex("distance"), -8);
		final ImagePlus out = stack.build("Nearest examples of " + source.getTitle() + " at " + stage);
		out.setProperty("Info", "Explain-IJ nearest examples\nlayer: " + stage + "\nmetric: " + m + "\npool: " + p + "\nfolder: " + folder.dir() +
			"\nsource: " + source.getTitle());
		out.setProp("method", "nearest-examples");
		out.setProp("layer", stage);
		out.setProp("metric", m.toString());
		out.setProp("pool", p.toString());
		out.setProp("source", source.getTitle());
		final ImagePlus montage = Tiles.montage("Montage of " + out.getTitle(), tiles, tileLabels, tiles.size());
		montage.setProperty("Info", "Explain-IJ nearest examples\nmontage: the image (framed), then its neighbours, nearest first\n" +
			String.join("\n", tileLabels));
		return new AnalysisResults().image("examples", out).image("montage", montage).table("Explain-IJ nearest examples", table);
	}
}
