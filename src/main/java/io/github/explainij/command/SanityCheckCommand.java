package io.github.explainij.command;

import ij.ImagePlus;
import ij.ImageStack;
import ij.gui.Plot;
import ij.measure.ResultsTable;
import ij.process.FloatProcessor;

import io.github.explainij.evaluate.SanityCheck;
import io.github.explainij.image.ImagePlusAdapter;
import io.github.explainij.method.AttributionMethod;
import io.github.explainij.model.Network;
import io.github.explainij.target.ScoreKind;
import io.github.explainij.target.TargetSpec;

import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import java.util.Arrays;

/**
 * The sanity check by cascading model randomization ({@link SanityCheck}) of any attribution method on
 * the current image: a stack of maps (the trained model's, then one per randomized stage), a table of
 * Spearman and SSIM against the original map per step, a plot, and the verdict. The randomization happens
 * in a private copy of the model in memory; the model file is only read.
 */
@Plugin(type = Command.class, name = "sanity-check", menuPath = Options.MENU_EVALUATE + ">Sanity Check (Model Randomization)",
	label = "Sanity Check (Model Randomization)",
	description = "Does the explanation depend on what the model learned? The weights are replaced by random ones stage by stage from " +
		"the top, and the method's map is compared with the original after each stage (rank correlation and SSIM). A map that stays " +
		"the same explains the image, not the model (Adebayo et al. 2018).")
public class SanityCheckCommand extends EvaluationCommand {

	@Parameter(label = "Image", description = "the image whose explanations are compared (the active image)")
	protected ImagePlus image;

	@Parameter(label = "Target class", description = Options.TARGET_DESCRIPTION)
	protected String target = Options.TARGET_PREDICTED;

	@Parameter(label = "Seed", description = "Starting number of the random generator that draws the new weights: the same seed gives the " +
		"same randomized models.")
	protected long seed = 1;

	@Override
	protected AnalysisResults analyse(final Network network) {
		final ImagePlus source = sourceImage(image);
		SanityCheck.requireSize(source.getWidth(), source.getHeight());
		network.requireStages("the sanity check");
		final AttributionMethod m = chosenMethod(source).method;
		final SanityCheck check;
		try (Network copy = Network.loadPrivate(network.file(), network.device())) {
			check = SanityCheck.run(copy, m, ImagePlusAdapter.currentPlanes(source), TargetSpec.parse(target), ScoreKind.parse(score), seed, progress());
		}
		final int w = check.width(), h = check.height(), n = w * h;
		final ImageStack stack = new ImageStack(w, h);
		for (int s = 0; s < check.slices(); s++) {
			stack.addSlice("trained model" + (check.slices() > 1 ? " " + (s + 1) : ""),
				new FloatProcessor(w, h, Arrays.copyOfRange(check.original(), s * n, (s + 1) * n)));
		}
		final ResultsTable table = new ResultsTable();
		table.showRowNumbers(false);
		final double[] x = new double[check.steps().size() + 1], spearman = new double[x.length], ssim = new double[x.length];
		x[0] = 0;
		spearman[0] = 1;
		ssim[0] = 1;
		int i = 1;
		for (final SanityCheck.Step step : check.steps()) {
			for (int s = 0; s < check.slices(); s++) {
				stack.addSlice(step.label + (check.slices() > 1 ? " " + (s + 1) : ""), new FloatProcessor(w, h, Arrays.copyOfRange(step.map, s * n, (s + 1) * n)));
			}
			table.incrementCounter();
			table.addValue("step", i);
			table.addValue("randomized", String.join(" ", step.randomized));
			table.addValue("spearman_abs", step.spearmanAbs);
			table.addValue("spearman_signed", step.spearmanSigned);
			table.addValue("ssim_abs", step.ssimAbs);
			table.addValue("ssim_signed", step.ssimSigned);
			x[i] = i;
			spearman[i] = step.spearmanAbs;
			ssim[i] = step.ssimAbs;
			i++;
		}
		for (final String c : new String[] { "spearman_abs", "spearman_signed", "ssim_abs", "ssim_signed" }) {
			table.setDecimalPlaces(table.getColumnIndex(c), -8);
		}
		final String className = network.spec().classes().isEmpty() ? String.valueOf(check.targetClass())
			: network.spec().classes().get(check.targetClass());
		final ImagePlus out = new ImagePlus("Sanity check of " + method + " (" + source.getTitle() + ")", stack);
		out.setProperty("Info", "Explain-IJ sanity check (cascading model randomization)\nmethod: " + method + " " + method_parameters +
			"\ntarget: " + className + "\nseed: " + seed + "\nsource: " + source.getTitle() + "\n" + check.verdict());
		out.setProp("method", method);
		out.setProp("source", source.getTitle());
		out.resetDisplayRange();
		final Plot plot = new Plot("Sanity check of " + method, "stages randomized (from the top)", "similarity to the original map");
		plot.setLimits(0, x.length - 1, Math.min(-0.1, Math.min(min(spearman), min(ssim))), 1.05);
		plot.setColor(java.awt.Color.BLUE);
		plot.addPoints(x, spearman, Plot.CONNECTED_CIRCLES);
		plot.setColor(java.awt.Color.RED);
		plot.addPoints(x, ssim, Plot.CONNECTED_CIRCLES);
		plot.setColor(java.awt.Color.BLACK);
		plot.addLegend("Spearman (absolute)\nSSIM (absolute)");
		return new AnalysisResults().image("maps", out).table("Explain-IJ sanity check", table).plot("similarity", plot)
			.property("method", method).property("target", className).property("passes", String.valueOf(check.passes()))
			.property("verdict", check.verdict());
	}

	private static double min(final double[] v) {
		double m = Double.POSITIVE_INFINITY;
		for (final double d : v) {
			if (!Double.isNaN(d)) m = Math.min(m, d);
		}
		return m == Double.POSITIVE_INFINITY ? 0 : m;
	}
}
