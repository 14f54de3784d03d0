package io.github.explainij.command;

import ij.ImagePlus;
import ij.ImageStack;
import ij.gui.Plot;
import ij.measure.ResultsTable;
import ij.process.FloatProcessor;

import io.github.explainij.ExplainException;
import io.github.explainij.evaluate.DeletionCurve;
import io.github.explainij.image.ImagePlusAdapter;
import io.github.explainij.method.ExplainRequest;
import io.github.explainij.method.Progress;
import io.github.explainij.method.perturbation.Slic;
import io.github.explainij.model.Network;

import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Deletion and insertion curves of one or several attribution methods on the current image, with a random baseline. */
@Plugin(type = Command.class, name = "deletion", menuPath = Options.MENU_EVALUATE + ">Deletion and Insertion", label = "Deletion and Insertion",
	description = "Is the map faithful? Removes the pixels the map ranks highest first (or inserts them first into a blank image) " +
		"in steps, and plots the class score after each step, against removing pixels in random order. A faithful map makes the " +
		"score fall faster than random (deletion: lower area under the curve) or rise faster (insertion: higher area).")
public class DeletionCommand extends ImageEvaluationCommand {

	public static final String TABLE_TITLE = "Explain-IJ deletion";
	public static final String RANDOM = "random";

	@Parameter(label = "Target class", description = Options.TARGET_DESCRIPTION)
	protected String target = Options.TARGET_PREDICTED;

	@Parameter(label = "Methods (comma-separated; empty: the method above)", required = false,
		description = "Several methods to compare on one plot, e.g. 'saliency,grad-cam,integrated-gradients'; empty: only the method above.")
	protected String methods = "";

	@Parameter(label = "Mode", choices = { "deletion", "insertion" }, description = "deletion: remove the most relevant pixels first " +
		"(a good map makes the score drop fast); insertion: start from the fill image and put the most relevant pixels back first " +
		"(a good map makes the score rise fast).")
	protected String mode = "deletion";

	@Parameter(label = "Steps", min = "1", description = "How many steps from 0 to all pixels; the curve has steps + 1 points (one model pass each).")
	protected int steps = 20;

	@Parameter(label = "Fill", choices = { Options.FILL_ZERO, Options.FILL_MEAN, Options.FILL_BLUR },
		description = "What replaces a removed pixel (in raw values): zero (black), each channel's mean, or the image blurred (sigma 5 px).")
	protected String fill = Options.FILL_ZERO;

	@Parameter(label = "Unit", choices = { "pixel", "superpixel" }, description = "Order single pixels by their attribution, or SLIC " +
		"superpixels by their mean attribution (whole regions go first, as LIME's segments).")
	protected String unit = "pixel";

	@Parameter(label = "Superpixels (for unit = superpixel)", min = "1", description = "For unit = superpixel: about how many SLIC superpixels (regions of similar brightness) the image is cut into; each is removed as a whole.")
	protected int segments = Slic.DEFAULT_SEGMENTS;

	@Parameter(label = "Random repeats", min = "1", description = "How many random orders are averaged for the random curve.")
	protected int repeats = 3;

	@Parameter(label = "Random seed", description = Options.SEED_DESCRIPTION)
	protected long seed = 0;

	@Override
	protected AnalysisResults analyse(final Network network) {
		final ImagePlus source = sourceImage(image);
		if (network.spec().isVolumetric()) throw new ExplainException("deletion curves are computed for 2D models; this model takes volumes");
		final DeletionCurve curve = new DeletionCurve(DeletionCurve.Mode.parse(mode), steps, fill);
		final boolean superpixels = unit.equals("superpixel");
		if (!superpixels && !unit.equals("pixel")) throw new ExplainException("unit must be pixel or superpixel, not '" + unit + "'");
		final List<NamedMethod> chosen = chosenMethods(methods, source);
		final float[][] planes = ImagePlusAdapter.planes(ImagePlusAdapter.currentPlanes(source));
		final int w = source.getWidth(), h = source.getHeight();
		final Progress progress = progress();
		final int parts = 2 * chosen.size() + 1;
		final int[] labels = superpixels ? new Slic(segments, Slic.DEFAULT_COMPACTNESS).segment(ImagePlusAdapter.chw(planes),
			planes.length, w, h) : null;

		final List<String> names = new ArrayList<>();
		final List<DeletionCurve.Curve> curves = new ArrayList<>();
		final ImageStack maps = new ImageStack(w, h);
		ExplainRequest request = null;
		for (int m = 0; m < chosen.size(); m++) {
			request = request(network, planes, w, h, target, progress.part(2 * m, parts));
			final float[] map = map(chosen.get(m), request);
			maps.addSlice(chosen.get(m).name, new FloatProcessor(w, h, map));
			final ExplainRequest scoring = request(network, planes, w, h, target, progress.part(2 * m + 1, parts));
			names.add(chosen.get(m).name);
			curves.add(curve.of(scoring, map, labels));
		}
		names.add(RANDOM);
		curves.add(curve.random(request(network, planes, w, h, target, progress.part(parts - 1, parts)), labels, repeats, seed));

		final ResultsTable table = new ResultsTable();
		table.showRowNumbers(false);
		for (int m = 0; m < names.size(); m++) {
			final DeletionCurve.Curve c = curves.get(m);
			for (int i = 0; i < c.fractions.length; i++) {
				table.incrementCounter();
				table.addValue("method", names.get(m));
				table.addValue("fraction", c.fractions[i]);
				table.addValue("score", c.scores[i]);
			}
		}
		table.setDecimalPlaces(table.getColumnIndex("score"), -8);
		final String what = curve.mode().key();
		final String targetName = request.className(request.targetClass());
		final ImagePlus out = resultImage("Maps evaluated by " + what, maps, "deletion", "mode: " + what + "\nmethods: " +
			String.join(", ", names.subList(0, names.size() - 1)), source);
		final AnalysisResults results = new AnalysisResults().image("maps", out).table(TABLE_TITLE, table)
			.plot("curves", plot(what + " curves: " + targetName + " (" + source.getTitle() + ")", names, curves, what));
		results.property("mode", what).property("target", targetName).property("score", score).property("steps", Integer.toString(steps))
			.property("fill", curve.fill().toString()).property("unit", unit + (superpixels ? " (" + segments + " SLIC superpixels)" : ""))
			.property("random_repeats", repeats + " (seed " + seed + ")");
		for (int m = 0; m < names.size(); m++) results.property("auc_" + names.get(m), format(curves.get(m).auc));
		return results;
	}

	static String format(final double v) {
		return String.format(Locale.ROOT, "%.6g", v);
	}

	/** One curve per method, the random curve grey with circles. */
	static Plot plot(final String title, final List<String> names, final List<DeletionCurve.Curve> curves, final String mode) {
		final Plot plot = new Plot(title, "fraction of pixels " + (mode.equals("deletion") ? "removed" : "inserted"), "score");
		double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
		for (final DeletionCurve.Curve c : curves) for (final double s : c.scores) { lo = Math.min(lo, s); hi = Math.max(hi, s); }
		if (hi == lo) hi = lo + 1;
		plot.setLimits(0, 1, lo - 0.05 * (hi - lo), hi + 0.05 * (hi - lo));
		final StringBuilder legend = new StringBuilder();
		for (int m = 0; m < names.size(); m++) {
			final boolean random = names.get(m).equals(RANDOM);
			plot.setColor(random ? Color.GRAY : PALETTE[m % PALETTE.length]);
			plot.setLineWidth(random ? 1 : 2);
			plot.addPoints(curves.get(m).fractions, curves.get(m).scores, random ? Plot.CONNECTED_CIRCLES : Plot.LINE);
			legend.append(names.get(m)).append(" (AUC ").append(String.format(Locale.ROOT, "%.3g", curves.get(m).auc)).append(")\n");
		}
		plot.setColor(Color.BLACK);
		plot.addLegend(legend.toString().trim());
		return plot;
	}

	static final Color[] PALETTE = { new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0x9467bd), new Color(0xff7f0e),
		new Color(0x8c564b), new Color(0xe377c2), new Color(0x17becf), new Color(0xbcbd22), new Color(0x7f7f7f) };
}
