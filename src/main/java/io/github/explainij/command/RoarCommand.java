package io.github.explainij.command;

import ij.gui.Plot;
import ij.measure.ResultsTable;

import io.github.explainij.ExplainException;
import io.github.explainij.evaluate.LabelledInputs;
import io.github.explainij.evaluate.Reinitialization;
import io.github.explainij.evaluate.Retraining;
import io.github.explainij.evaluate.Roar;
import io.github.explainij.image.ImagePlusAdapter;
import io.github.explainij.method.AttributionMethod;
import io.github.explainij.method.ExplainRequest;
import io.github.explainij.method.Progress;
import io.github.explainij.model.Network;
import io.github.explainij.target.ScoreKind;
import io.github.explainij.target.TargetSpec;
import io.github.explainij.workflow.ImageFolder;

import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import java.awt.Color;
import java.io.File;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * ROAR / KAR ({@link Roar}) over a labelled folder: for each method and for random removal, the test
 * accuracy of the model retrained on images with a fraction of their pixels removed; a table and a plot.
 * The maps are the trained model's, for each image's labelled class. Retraining happens in a private copy
 * of the model in memory; the model file is only read.
 */
@Plugin(type = Command.class, name = "roar", menuPath = Options.MENU_EVALUATE + ">ROAR and KAR (Retraining)", label = "ROAR and KAR (Retraining)",
	description = "Do the pixels a method ranks highest carry the information? Remove them (ROAR) or keep only them (KAR) in every " +
		"image, retrain the model on what is left and test it: a faithful ranking makes accuracy drop faster than random removal " +
		"(Hooker et al. 2019). Retrains the model many times: minutes on small folders.")
public class RoarCommand extends AnalysisCommand {

	@Parameter(label = "Folder of labelled images", style = "directory", description = Options.INPUT_DIR_DESCRIPTION +
		" Every 4th image is held out for testing.")
	protected File input_dir;

	@Parameter(label = "Methods", description = "The attribution methods to compare, by their command-line names separated by commas " +
		"(e.g. saliency,grad-cam,integrated-gradients). Random removal is always added.")
	protected String methods = "saliency";

	@Parameter(label = "Method parameters", required = false, description = "The methods' own parameters as key=value pairs; with " +
		"several methods a parameter may name its method: 'grad-cam.layer=relu3 integrated-gradients.steps=16'. On the command line " +
		"also --param method.grad-cam.layer=relu3.")
	protected String method_parameters = "";

	@Parameter(label = "Fractions removed", description = "The fractions of pixels removed, separated by commas (between 0 and 1).")
	protected String fractions = "0.1,0.3,0.5,0.7,0.9";

	@Parameter(label = "Mode", choices = { Roar.ROAR, Roar.KAR }, description = "roar removes the most relevant pixels; kar removes the " +
		"least relevant ones (keeps the most relevant).")
	protected String mode = Roar.ROAR;

	@Parameter(label = "Initial weights", choices = { INITIAL_RANDOM, INITIAL_TRAINED }, description = "Where each retraining starts: " +
		"random weights drawn with the seed (as Hooker et al., from scratch), or the model's own trained weights (fine-tuning).")
	protected String initial_weights = INITIAL_RANDOM;

	@Parameter(label = "Epochs", min = "1", description = "Passes over the training images in each retraining.")
	protected int epochs = 20;

	@Parameter(label = "Optimizer", choices = { Retraining.ADAM, Retraining.SGD }, description = "adam (PyTorch's Adam) or sgd " +
		"(PyTorch's SGD with momentum 0.9).")
	protected String optimizer = Retraining.ADAM;

	@Parameter(label = "Learning rate", description = "The optimizer's step size.")
	protected double learning_rate = 0.01;

	@Parameter(label = "Batch size", min = "1", description = "Training images per optimizer step.")
	protected int batch_size = 8;

	@Parameter(label = "Seed", description = "Seeds the initial weights, the order of the training images and the random removal: " +
		"the same seed gives the same numbers.")
	protected long seed = 1;

	static final String INITIAL_RANDOM = "random";
	static final String INITIAL_TRAINED = "trained";

	@Override
	protected AnalysisResults analyse(final Network network) {
		final long started = System.nanoTime();
		final ImageFolder folder = ImageFolder.open(folder(input_dir, Options.INPUT_DIR).toPath());
		final int[] labels = LabelledInputs.classIndices(network, folder, "ROAR");
		final double[] levels = fractions(fractions);
		final Map<String, AttributionMethod> chosen = methods(methods);
		final Roar.Training training = new Roar.Training(optimizer, learning_rate, 0.9, epochs, batch_size, seed);
		if (folder.size() < 4) throw new ExplainException("ROAR needs at least 4 images: every 4th image is held out for testing");
		final List<ImageFolder.Image> images = new ArrayList<>();
		for (final ImageFolder.Entry e : folder.entries()) {
			final ImageFolder.Image im = ImageFolder.read(e);
			if (!images.isEmpty() && (im.width != images.get(0).width || im.height != images.get(0).height || im.planes.length != images.get(0).planes.length)) {
				throw new ExplainException("ROAR retrains on the whole folder, so its images must have one size and channel count: " + e.name +
					" is " + im.width + "x" + im.height + "x" + im.planes.length + ", " + images.get(0).entry.name + " is " + images.get(0).width +
					"x" + images.get(0).height + "x" + images.get(0).planes.length);
			}
			images.add(im);
		}
		final int pixels = images.get(0).width * images.get(0).height;
		final int trainings = 1 + levels.length * (chosen.size() + 1);
		final int parts = images.size() * chosen.size() + trainings;
		final Progress progress = progress();
		int part = 0;
		// the maps of the trained model, for each image's labelled class
		final Map<String, float[][]> maps = new LinkedHashMap<>();
		for (final Map.Entry<String, AttributionMethod> m : chosen.entrySet()) {
			final float[][] perImage = new float[images.size()][];
			for (int i = 0; i < images.size(); i++) {
				final ImageFolder.Image im = images.get(i);
				final ExplainRequest request = new ExplainRequest(network, ImagePlusAdapter.fromPlanes(im.planes, im.width, im.height),
					TargetSpec.index(labels[i]), ScoreKind.LOGIT, progress.part(part++, parts));
				perImage[i] = Roar.perPixel(ImagePlusAdapter.toChw(m.getValue().explain(request).map()), pixels);
			}
			maps.put(m.getKey(), perImage);
		}
		final ResultsTable table = new ResultsTable();
		table.showRowNumbers(false);
		final Map<String, double[]> curves = new LinkedHashMap<>();
		double unmodified;
		try (Network copy = Network.loadPrivate(network.file(), network.device())) {
			if (INITIAL_RANDOM.equals(initial_weights)) {
				final Map<Integer, List<String>> byStage = Reinitialization.parametersByStage(copy);
				Reinitialization.reinitialize(copy, byStage, new ArrayList<>(byStage.keySet()), seed);
			}
			final Map<String, float[]> initial = Retraining.weights(copy);
			unmodified = retrain(network, copy, initial, images, null, labels, training, progress.part(part++, parts));
			addRow(table, "none", 0, unmodified);
			final List<String> names = new ArrayList<>(chosen.keySet());
			names.add(Roar.RANDOM);
			for (final String name : names) {
				final double[] curve = new double[levels.length];
				for (int f = 0; f < levels.length; f++) {
					final int[][] removed = new int[images.size()][];
					for (int i = 0; i < images.size(); i++) {
						removed[i] = Roar.RANDOM.equals(name) ? Roar.removedAtRandom(pixels, levels[f], seed * 1_000_003L + i)
							: Roar.removed(maps.get(name)[i], levels[f], mode);
					}
					curve[f] = retrain(network, copy, initial, images, removed, labels, training, progress.part(part++, parts));
					addRow(table, name, levels[f], curve[f]);
				}
				curves.put(name, curve);
			}
		}
		table.setDecimalPlaces(table.getColumnIndex("fraction"), -8);
		table.setDecimalPlaces(table.getColumnIndex("accuracy"), -8);
		final double seconds = (System.nanoTime() - started) / 1e9;
		return new AnalysisResults().table("Explain-IJ " + mode.toUpperCase(Locale.ROOT), table).plot("accuracy", plot(levels, curves, unmodified))
			.property("mode", mode).property("images", String.valueOf(images.size()))
			.property("test_images", String.valueOf(images.size() / 4)).property("unmodified_accuracy", String.valueOf(unmodified))
			.property("seconds", String.format(Locale.ROOT, "%.1f", seconds));
	}

	/** Retrains on the images with the given pixels removed (null: unmodified) and returns the test accuracy. */
	private static double retrain(final Network network, final Network copy, final Map<String, float[]> initial,
		final List<ImageFolder.Image> images, final int[][] removed, final int[] labels, final Roar.Training training, final Progress progress)
	{
		final List<float[][]> planes = new ArrayList<>();
		for (int i = 0; i < images.size(); i++) planes.add(removed == null ? images.get(i).planes : Roar.fill(images.get(i).planes, removed[i]));
		final LabelledInputs.Batch inputs = LabelledInputs.of(network, planes, images.get(0).width, images.get(0).height);
		return Roar.retrainAndTest(copy, initial, inputs.values, inputs.shape, labels, training, progress);
	}

	private static void addRow(final ResultsTable table, final String method, final double fraction, final double accuracy) {
		table.incrementCounter();
		table.addValue("method", method);
		table.addValue("fraction", fraction);
		table.addValue("accuracy", accuracy);
	}

	private Plot plot(final double[] levels, final Map<String, double[]> curves, final double unmodified) {
		final Plot plot = new Plot((Roar.ROAR.equals(mode) ? "ROAR" : "KAR") + ": test accuracy after retraining", "fraction of pixels removed",
			"test accuracy");
		plot.setLimits(0, 1, 0, 1.05);
		final Color[] colours = { Color.BLUE, Color.RED, new Color(0, 150, 0), Color.MAGENTA, Color.ORANGE, Color.CYAN };
		final StringBuilder legend = new StringBuilder();
		int c = 0;
		for (final Map.Entry<String, double[]> e : curves.entrySet()) {
			final double[] x = new double[levels.length + 1], y = new double[levels.length + 1];
			y[0] = unmodified;
			for (int f = 0; f < levels.length; f++) {
				x[f + 1] = levels[f];
				y[f + 1] = e.getValue()[f];
			}
			plot.setColor(Roar.RANDOM.equals(e.getKey()) ? Color.GRAY : colours[c++ % colours.length]);
			plot.addPoints(x, y, Plot.CONNECTED_CIRCLES);
			legend.append(legend.length() == 0 ? "" : "\n").append(e.getKey());
		}
		plot.setColor(Color.BLACK);
		plot.addLegend(legend.toString());
		return plot;
	}

	/** "0.1,0.5" as fractions in (0, 1). */
	static double[] fractions(final String text) {
		final List<Double> out = new ArrayList<>();
		for (final String s : text.split("[,\\s]+")) {
			if (s.isBlank()) continue;
			final double f;
			try {
				f = Double.parseDouble(s.trim());
			}
			catch (final NumberFormatException e) {
				throw new ExplainException("fractions takes numbers between 0 and 1 separated by commas (e.g. 0.1,0.5,0.9), not '" + s + "'");
			}
			if (!(f > 0 && f < 1)) throw new ExplainException("fractions must lie between 0 and 1 (exclusive), not " + s);
			out.add(f);
		}
		if (out.isEmpty()) throw new ExplainException("fractions is empty: give fractions such as 0.1,0.5,0.9");
		return out.stream().mapToDouble(Double::doubleValue).toArray();
	}

	/** The methods of {@link #methods} with {@link #method_parameters}, by name. */
	private Map<String, AttributionMethod> methods(final String list) {
		final Map<String, AttributionMethod> out = new LinkedHashMap<>();
		for (final EvaluationCommand.NamedMethod m : EvaluationCommand.methods(getContext(), list, method_parameters, null)) out.put(m.name, m.method);
		return out;
	}
}
