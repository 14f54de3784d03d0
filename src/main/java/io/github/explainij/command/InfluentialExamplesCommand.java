package io.github.explainij.command;

import ij.ImagePlus;
import ij.measure.ResultsTable;
import ij.process.ColorProcessor;

import io.github.explainij.ExplainException;
import io.github.explainij.image.ImagePlusAdapter;
import io.github.explainij.inspect.Influence;
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

/** Training images behind a decision: TracIn-style influence of each labelled training image on this image's prediction. */
@Plugin(type = Command.class, name = "influential-examples", menuPath = Options.MENU_INSIDE + ">Influential Training Images",
	label = "Influential Training Images", description = "Which training images support this image's prediction and which work " +
		"against it (TracIn on the final layer): positive influence = training on that image makes this prediction more confident, " +
		"negative = less; mislabelled training images tend to be among the most harmful.")
public class InfluentialExamplesCommand extends AnalysisCommand {

	/** Frame colours in the montage: helpful (green) and harmful (magenta). */
	static final int HELPFUL = 0x00c000, HARMFUL = 0xff00ff;
	static final String MOST_HELPFUL = "most helpful", MOST_HARMFUL = "most harmful";

	@Parameter(label = "Image", description = "the image whose prediction is explained (the active image)")
	protected ImagePlus image;

	@Parameter(label = "Training images (labelled folder)", style = FileWidget.DIRECTORY_STYLE, description = Options.INPUT_DIR_DESCRIPTION +
		" The labels must be the model's class names.")
	protected File input_dir;

	@Parameter(label = "Shown of each kind", min = "1", description = "How many of the most helpful and of the most harmful training " +
		"images are marked in the table and shown in the montage (helpful framed in green, harmful in magenta).")
	protected int top = 4;

	@Override
	protected AnalysisResults analyse(final Network network) {
		final ImagePlus source = sourceImage(image);
		if (top < 1) throw new ExplainException("top must be at least 1 (how many helpful and harmful images are shown), not " + top);
		final ImageFolder folder = ImageFolder.open(folder(input_dir, "the folder of training images").toPath());
		final Influence inf = Influence.of(network, ImagePlusAdapter.planes(ImagePlusAdapter.currentPlanes(source)), source.getWidth(),
			source.getHeight(), folder, progress());
		final List<Influence.Example> ranked = inf.ranked();
		final List<Influence.Example> helpful = new ArrayList<>(), harmful = new ArrayList<>();
		for (final Influence.Example e : ranked) {
			if (helpful.size() < top && e.influence > 0) helpful.add(e);
		}
		for (int i = ranked.size() - 1; i >= 0 && harmful.size() < top; i--) {
			if (ranked.get(i).influence < 0) harmful.add(ranked.get(i));
		}
		final ResultsTable table = new ResultsTable();
		table.showRowNumbers(false);
		int rank = 0;
		for (final Influence.Example e : ranked) {
			table.incrementCounter();
			table.addValue("rank", ++rank);
			table.addValue("file", e.entry.name);
			table.addValue("label", e.entry.label);
			table.addValue("influence", e.influence);
			table.addValue("predicted", network.spec().className(e.predicted));
			table.addValue("marked", helpful.contains(e) ? MOST_HELPFUL : harmful.contains(e) ? MOST_HARMFUL : "");
		}
		table.setDecimalPlaces(table.getColumnIndex("influence"), -8);
		final List<ColorProcessor> tiles = new ArrayList<>();
		final List<String> labels = new ArrayList<>();
		for (final Influence.Example e : helpful) tiles.add(tile(e, HELPFUL, labels, MOST_HELPFUL));
		for (final Influence.Example e : harmful) tiles.add(tile(e, HARMFUL, labels, MOST_HARMFUL));
		final String predicted = network.spec().className(inf.predicted());
		final AnalysisResults results = new AnalysisResults();
		if (!tiles.isEmpty()) {
			final ImagePlus montage = Tiles.montage("Influential training images for " + source.getTitle() + " (" + predicted + ")", tiles, labels,
				Math.max(helpful.size(), harmful.size()));
			montage.setProperty("Info", "Explain-IJ influential training images\nimage: " + source.getTitle() + "\npredicted: " + predicted +
				"\nfolder: " + folder.dir() + "\nmontage: first row the most helpful (green), then the most harmful (magenta)\n" +
				String.join("\n", labels));
			results.image("examples", montage);
		}
		return results.table("Explain-IJ influential examples", table).property("method", "influential-examples")
			.property("source", source.getTitle()).property("predicted", predicted).property("final_layer", inf.finalStage())
			.property("gradient_of", inf.bias() ? "weights and bias" : "weights (the layer has no bias)")
			.property("images", Integer.toString(folder.size()));
	}

	private static ColorProcessor tile(final Influence.Example e, final int colour, final List<String> labels, final String kind) {
		final ImageFolder.Image im = ImageFolder.read(e.entry);
		final ColorProcessor cp = Tiles.grey(im.planes, im.width, im.height);
		Tiles.frame(cp, colour, Math.max(1, Math.min(im.width, im.height) / 32));
		labels.add(String.format(Locale.ROOT, "%s: %s (%s), influence %.4g", kind, e.entry.name, e.entry.label, e.influence));
		return cp;
	}
}
