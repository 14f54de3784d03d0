package io.github.explainij.command;

import ij.ImagePlus;
import ij.measure.ResultsTable;

import io.github.explainij.ExplainException;
import io.github.explainij.evaluate.Surrogate;
import io.github.explainij.model.Network;
import io.github.explainij.render.TreeDiagram;
import io.github.explainij.workflow.ImageFolder;

import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.widget.FileWidget;

import java.io.File;
import java.util.Locale;

/** Surrogate decision tree: a small, readable rule that mimics the model's decisions over a folder. */
@Plugin(type = Command.class, name = "surrogate", menuPath = Options.MENU_EVALUATE + ">Surrogate Decision Tree", label = "Surrogate Decision Tree",
	description = "A small decision tree that mimics the model's decisions over a folder of images from plain image measurements " +
		"(intensity, texture, shape of the bright objects): a human-readable summary of the rule the model follows, with its fidelity " +
		"(how often it agrees with the model) on held-out images.")
public class SurrogateCommand extends AnalysisCommand {

	@Parameter(label = "Folder of images", style = FileWidget.DIRECTORY_STYLE, description = Options.INPUT_DIR_DESCRIPTION)
	protected File input_dir;

	@Parameter(label = "Maximum depth", min = "1", max = "8", description = "How many questions the tree may ask in a row. Deeper trees " +
		"mimic the model better but are harder to read.")
	protected int max_depth = 3;

	@Parameter(label = "Minimum images per leaf", min = "1", description = "A question is asked only if each answer keeps at least this " +
		"many images; larger values give simpler, sturdier rules.")
	protected int min_leaf = 2;

	@Parameter(label = "Held-out fraction", min = "0", max = "0.9", stepSize = "0.05", description = "The share of the images kept aside " +
		"to measure fidelity (the tree never sees them); 0 measures fidelity on the training images only.")
	protected double test_fraction = 0.25;

	@Parameter(label = "Seed", description = Options.SEED_DESCRIPTION + " Here it chooses the held-out images.")
	protected long seed = 0;

	@Override
	protected AnalysisResults analyse(final Network network) {
		final ImageFolder folder = ImageFolder.open(folder(input_dir, "input_dir").toPath());
		if (max_depth < 1) throw new ExplainException("max_depth must be at least 1, not " + max_depth);
		if (min_leaf < 1) throw new ExplainException("min_leaf must be at least 1, not " + min_leaf);
		final Surrogate s = Surrogate.of(network, folder, max_depth, min_leaf, test_fraction, seed, progress());
		final ResultsTable table = new ResultsTable();
		table.showRowNumbers(false);
		for (int i = 0; i < folder.size(); i++) {
			table.incrementCounter();
			table.addValue("image", folder.entries().get(i).name);
			table.addValue("model_class", s.classNames().get(s.predictions()[i]));
			table.addValue("tree_class", s.classNames().get(s.treePrediction(i)));
			table.addValue("held_out", s.heldOut()[i] ? 1 : 0);
			for (int f = 0; f < s.featureNames().size(); f++) table.addValue(s.featureNames().get(f), s.features()[i][f]);
		}
		for (final String f : s.featureNames()) table.setDecimalPlaces(table.getColumnIndex(f), -8);
		final String header = String.format(Locale.ROOT, "Surrogate decision tree for %s on %s%n" +
			"fidelity (agreement with the model) on the %d training images: %s%n" +
			"fidelity on the %d held-out images: %s%n" +
			"max_depth %d, min_leaf %d, test_fraction %s, seed %d%n%n", model_file.getName(), folder.dir().getFileName(), s.trainCount(),
			percent(s.fidelityTrain()), s.testCount(), s.testCount() == 0 ? "none held out" : percent(s.fidelityTest()), max_depth, min_leaf,
			test_fraction, seed);
		final ImagePlus drawn = TreeDiagram.draw(s.tree(), s.featureNames(), s.classNames(), String.format(Locale.ROOT,
			"Surrogate tree for %s: fidelity %s on training, %s on held-out images", model_file.getName(), percent(s.fidelityTrain()),
			s.testCount() == 0 ? "none" : percent(s.fidelityTest())));
		drawn.setTitle("Surrogate tree of " + model_file.getName() + " (" + folder.dir().getFileName() + ")");
		drawn.setProperty("Info", header + s.text());
		final AnalysisResults results = new AnalysisResults().image("tree", drawn).table("Explain-IJ surrogate features", table)
			.text("tree", "txt", header + s.text());
		results.property("method", "surrogate");
		results.property("fidelity_train", Double.toString(s.fidelityTrain()));
		results.property("fidelity_test", Double.toString(s.fidelityTest()));
		results.property("tree_depth", Integer.toString(s.tree().depth()));
		results.property("seed", Long.toString(seed));
		return results;
	}

	private static String percent(final double v) {
		return String.format(Locale.ROOT, "%.1f %%", 100 * v);
	}
}
