package io.github.explainij.command;

import ij.gui.Plot;
import ij.measure.ResultsTable;

import io.github.explainij.ExplainException;
import io.github.explainij.evaluate.ComparisonReport;
import io.github.explainij.evaluate.DeletionCurve;
import io.github.explainij.evaluate.ImageMetric;
import io.github.explainij.evaluate.Statistics;
import io.github.explainij.method.ExplainRequest;
import io.github.explainij.method.Progress;
import io.github.explainij.model.Network;
import io.github.explainij.workflow.ImageFolder;

import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.widget.FileWidget;

import java.awt.Color;
import java.io.File;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/** Several attribution methods compared over a folder: one table (method x metric), figures and a Markdown report. */
@Plugin(type = Command.class, name = "compare", menuPath = Options.MENU_EVALUATE + ">Compare Methods", label = "Compare Methods",
	description = "Which explanation can you trust for this model? Runs deletion, insertion, localization (when the folder has masks/) " +
		"and class sensitivity for every method on every image of a folder, against a baseline of random maps, and reports each " +
		"metric's mean with a 95% bootstrap interval in one table, figures, and a Markdown report to attach to a model validation.")
public class CompareCommand extends EvaluationCommand {

	public static final String TABLE_TITLE = "Explain-IJ comparison";
	public static final String TARGET_LABEL = "label";
	public static final String METRIC_DELETION = "deletion", METRIC_INSERTION = "insertion", METRIC_LOCALIZATION = "localization",
		METRIC_CLASS = "class-sensitivity", METRIC_SANITY = "sanity-check";

	@Parameter(label = "Folder of images", style = FileWidget.DIRECTORY_STYLE, description = Options.INPUT_DIR_DESCRIPTION)
	protected File input_dir;

	@Parameter(label = "Methods (comma-separated)", description = "The methods compared, e.g. 'saliency,grad-cam,integrated-gradients' " +
		"(parameters in method_parameters, e.g. 'grad-cam.layer=relu3'); empty: only the method above.")
	protected String methods = "saliency,grad-cam";

	@Parameter(label = "Target class", description = "Which class is explained on each image: 'predicted', 'label' (the folder's label " +
		"of the image, matched to the model's class names), or a class name or number.")
	protected String target = Options.TARGET_PREDICTED;

	@Parameter(label = "Metrics", description = "Comma-separated: deletion, insertion, localization (needs masks/ beside images/), " +
		"class-sensitivity, sanity-check (the map after the whole model was randomized; slower: one run per stage with weights). " +
		"Localization alone gives the localization of a folder.")
	protected String metrics = "deletion,insertion,localization,class-sensitivity,sanity-check";

	@Parameter(label = "Steps (deletion, insertion)", min = "1", description = "Steps of the deletion and insertion curves (one model pass each).")
	protected int steps = 10;

	@Parameter(label = "Fill (deletion, insertion)", choices = { Options.FILL_ZERO, Options.FILL_MEAN, Options.FILL_BLUR },
		description = "What replaces a removed pixel (raw values): zero, each channel's mean, or the image blurred.")
	protected String fill = Options.FILL_ZERO;

	@Parameter(label = "Largest number of images", min = "0", description = "Use at most this many images of the folder, in file order " +
		"(0: all). A few dozen give usable intervals.")
	protected int max_images = 0;

	@Parameter(label = "Random seed", description = "Seeds the random baseline's maps, the bootstrap intervals and the sanity check's random weights.")
	protected long seed = 0;

	@Override
	protected AnalysisResults analyse(final Network network) {
		final ImageFolder folder = ImageFolder.open(folder(input_dir, "input_dir").toPath());
		final boolean byLabel = target.trim().equalsIgnoreCase(TARGET_LABEL);
		if (byLabel) folder.requireLabels("compare with target=label");
		if (network.spec().isVolumetric()) throw new ExplainException("compare works with 2D models; this model takes volumes");
		final List<String> wanted = new ArrayList<>();
		for (final String m : metrics.split(",")) if (!m.isBlank()) wanted.add(m.trim().toLowerCase(Locale.ROOT));
		final List<ImageMetric> list = new ArrayList<>();
		for (final String m : wanted) {
			switch (m) {
				case METRIC_DELETION: list.add(ImageMetric.curve(new DeletionCurve(DeletionCurve.Mode.DELETION, steps, fill))); break;
				case METRIC_INSERTION: list.add(ImageMetric.curve(new DeletionCurve(DeletionCurve.Mode.INSERTION, steps, fill))); break;
				case METRIC_LOCALIZATION:
					folder.requireMasks("localization");
					list.add(ImageMetric.localization());
					break;
				case METRIC_CLASS: list.add(ImageMetric.classSensitivity()); break;
				case METRIC_SANITY:
					network.requireStages("the sanity-check metric");
					list.add(ImageMetric.randomization(network.file(), network.device(), seed));
					break;
				default:
					throw new ExplainException("metrics are deletion, insertion, localization, class-sensitivity and sanity-check, not '" + m + "'");
			}
		}
		if (list.isEmpty()) throw new ExplainException("no metric chosen: give metrics, e.g. deletion,localization");
		final List<NamedMethod> chosen = chosenMethods(methods, null);
		final List<ImageFolder.Entry> entries = max_images > 0 && max_images < folder.size() ? folder.entries().subList(0, max_images)
			: folder.entries();
		final ComparisonReport report = new ComparisonReport(list);
		final Progress progress = progress();
		final int parts = entries.size() * (chosen.size() + 1);
		int part = 0;
		for (int e = 0; e < entries.size(); e++) {
			final ImageFolder.Entry entry = entries.get(e);
			final ImageFolder.Image image = ImageFolder.read(entry);
			final boolean[] mask = entry.mask == null ? null : ImageFolder.readMask(entry, image.width, image.height);
			final String t = byLabel ? entry.label : target;
			for (final NamedMethod m : chosen) {
				final ExplainRequest request = request(network, image.planes, image.width, image.height, t, progress.part(part++, parts));
				final float[] map = map(m, request);
				report.measure(m.name, new ImageMetric.Input(request, m.method, map, mask,
					k -> map(m, request(network, image.planes, image.width, image.height, Integer.toString(k), Progress.NONE))));
			}
			final ExplainRequest request = request(network, image.planes, image.width, image.height, t, progress.part(part++, parts));
			final int n = image.width * image.height, index = e;
			report.measure(ComparisonReport.RANDOM, new ImageMetric.Input(request, null, randomMap(n, seed, index, -1), mask,
				k -> randomMap(n, seed, index, k)));
		}

		final ResultsTable table = new ResultsTable();
		table.showRowNumbers(false);
		for (final String m : report.methods()) {
			table.incrementCounter();
			table.addValue("method", m);
			for (final String c : report.columns()) {
				final Statistics.Interval iv = report.interval(m, c, seed);
				table.addValue(c + "_mean", iv.mean);
				table.addValue(c + "_low", iv.low);
				table.addValue(c + "_high", iv.high);
			}
			table.addValue("images", report.images());
		}
		for (final String c : report.columns()) {
			for (final String s : new String[] { "_mean", "_low", "_high" }) table.setDecimalPlaces(table.getColumnIndex(c + s), -6);
		}
		final Map<String, String> header = new LinkedHashMap<>();
		header.put("model", model_file.getName() + " (" + network.spec().name() + ", classes " + network.spec().classes() + ")");
		header.put("data", folder.dir() + " (" + entries.size() + " of " + folder.size() + " images" +
			(folder.labelled() ? ", labels " + folder.labels() : "") + (folder.hasMasks() ? ", with masks" : "") + ")");
		header.put("target", target + ", score " + score);
		header.put("methods", String.join(", ", report.methods().subList(0, chosen.size())) +
			(method_parameters == null || method_parameters.isBlank() ? "" : " (parameters: " + method_parameters.trim() + ")"));
		header.put("metrics", String.join(", ", report.columns()) + (wanted.contains(METRIC_DELETION) || wanted.contains(METRIC_INSERTION)
			? " (curves: " + steps + " steps, fill " + fill + ")" : ""));
		final AnalysisResults results = new AnalysisResults().table(TABLE_TITLE, table).text("report", "md", report.markdown(header, seed));
		final List<String> curveColumns = new ArrayList<>(), locColumns = new ArrayList<>();
		for (final String c : report.columns()) (c.endsWith("_auc") ? curveColumns : locColumns).add(c);
		if (!curveColumns.isEmpty()) results.plot("faithfulness", plot("Deletion / insertion AUC per method (95% interval)", report, curveColumns, "AUC (score units)", seed));
		if (!locColumns.isEmpty()) {
			final List<String> what = new ArrayList<>();
			if (wanted.contains(METRIC_LOCALIZATION)) what.add("localization");
			if (wanted.contains(METRIC_CLASS)) what.add("class sensitivity");
			if (wanted.contains(METRIC_SANITY)) what.add("randomization");
			final String named = String.join(", ", what);
			results.plot("localization", plot(Character.toUpperCase(named.charAt(0)) + named.substring(1) + " per method (95% interval)", report,
				locColumns, "value", seed));
		}
		return results.property("images", Integer.toString(report.images())).property("methods", String.join(",", report.methods()));
	}

	/** Uniform random values for image {@code index} (class {@code k}, -1 for the target), seeded. */
	static float[] randomMap(final int n, final long seed, final int index, final int k) {
		final Random r = new Random(seed * 1_000_003L + index * 101L + k + 1);
		final float[] v = new float[n];
		for (int i = 0; i < n; i++) v[i] = r.nextFloat();
		return v;
	}

	/** Means with 95% intervals: one group per method, one coloured point per column. */
	static Plot plot(final String title, final ComparisonReport report, final List<String> columns, final String yLabel,
		final long seed)
	{
		final List<String> methods = report.methods();
		// labels in braces are ImageJ's category axis: the names stand at x = 0, 1, 2, ...
		final Plot plot = new Plot(title, "{" + String.join(",", methods) + "}", yLabel);
		double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
		final StringBuilder legend = new StringBuilder();
		for (int c = 0; c < columns.size(); c++) {
			final double[] x = new double[methods.size()], y = new double[methods.size()];
			plot.setColor(DeletionCommand.PALETTE[c % DeletionCommand.PALETTE.length]);
			plot.setLineWidth(2);
			for (int m = 0; m < methods.size(); m++) {
				final Statistics.Interval iv = report.interval(methods.get(m), columns.get(c), seed);
				x[m] = m + (c - (columns.size() - 1) / 2.0) * 0.12;
				y[m] = iv.mean;
				if (iv.n > 0) {
					lo = Math.min(lo, iv.low);
					hi = Math.max(hi, iv.high);
				}
			}
			plot.addPoints(x, y, Plot.CIRCLE);
			for (int m = 0; m < methods.size(); m++) {
				final Statistics.Interval iv = report.interval(methods.get(m), columns.get(c), seed);
				if (iv.n > 0) plot.drawLine(x[m], iv.low, x[m], iv.high);
			}
			legend.append(columns.get(c)).append('\n');
		}
		if (!(hi > lo)) { lo = Double.isFinite(lo) ? lo - 1 : 0; hi = lo + 2; }
		// room above the data for the legend (one line per column), so that no interval hides behind it
		plot.setLimits(-0.5, methods.size() - 0.5, lo - 0.05 * (hi - lo), hi + (0.05 + 0.1 * columns.size()) * (hi - lo));
		plot.setColor(Color.BLACK);
		plot.addLegend(legend.toString().trim(), "top-right");
		return plot;
	}
}
