package io.github.explainij.command;

import ij.ImagePlus;
import ij.measure.ResultsTable;

import io.github.explainij.ExplainException;
import io.github.explainij.evaluate.ShortcutAudit;
import io.github.explainij.image.ImageFiles;
import io.github.explainij.image.ImagePlusAdapter;
import io.github.explainij.model.Network;
import io.github.explainij.workflow.ImageFolder;

import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.widget.FileWidget;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Shortcut audit: linear probes for nuisances on the model's pooled features, and an artefact test
 * (a patch pasted into every image; how often the decision flips, per class).
 */
@Plugin(type = Command.class, name = "shortcut-audit", menuPath = Options.MENU_EVALUATE + ">Shortcut Audit", label = "Shortcut Audit",
	description = "Does the model rely on something it should not? (1) For nuisances such as plate, well, scanner or date, can a linear rule " +
		"read them off the model's features (balanced accuracy against chance, with a permutation test)? (2) Pasting a patch (a scale bar, " +
		"a mark) into every image: how often does the decision change, per class?")
public class ShortcutAuditCommand extends AnalysisCommand {

	@Parameter(label = "Folder of images", style = FileWidget.DIRECTORY_STYLE, description = Options.INPUT_DIR_DESCRIPTION)
	protected File input_dir;

	@Parameter(label = "Layer", required = false, description = "The layer whose activations (averaged over the image) are probed; empty: " +
		"the layer before the last linear layer (the features the decision is made from).")
	protected String layer = "";

	@Parameter(label = "Nuisance table (CSV)", required = false, style = FileWidget.OPEN_STYLE + ",extensions:csv", description = "A CSV " +
		"file with a 'file' column (the image names) and one column per nuisance (e.g. file,plate,scanner). Leave empty to use the " +
		"file-name pattern, or for the artefact test only.")
	protected File nuisance_table;

	@Parameter(label = "Nuisance from file names (pattern)", required = false, description = "A regular expression with one group in " +
		"parentheses that picks the nuisance out of each file name, e.g. plate(\\d+)_ for files named plate3_A01.tif.")
	protected String nuisance_pattern = "";

	@Parameter(label = "Cross-validation folds", min = "2", description = "The probe is fitted on all folds but one and tested on the " +
		"remaining one, in turn.")
	protected int folds = 5;

	@Parameter(label = "Permutations", min = "0", description = "How often the nuisance labels are shuffled to see what accuracy chance " +
		"gives; the p-value cannot be smaller than 1 / (permutations + 1).")
	protected int permutations = 200;

	@Parameter(label = "Seed", description = Options.SEED_DESCRIPTION + " Here it shuffles the labels of the permutation test.")
	protected long seed = 0;

	@Parameter(label = "Artefact patch (image)", required = false, style = FileWidget.OPEN_STYLE, description = "A small image (e.g. a " +
		"scale bar or a mark cut from one image) pasted into every image at x, y; leave empty to skip the artefact test.")
	protected File patch;

	@Parameter(label = "Patch x (left)", min = "0", description = "Column of the patch's top-left corner in the images (pixels).")
	protected int x = 0;

	@Parameter(label = "Patch y (top)", min = "0", description = "Row of the patch's top-left corner in the images (pixels).")
	protected int y = 0;

	@Override
	protected AnalysisResults analyse(final Network network) {
		final ImageFolder folder = ImageFolder.open(folder(input_dir, "input_dir").toPath());
		final boolean table = nuisance_table != null && !nuisance_table.getPath().isEmpty();
		final boolean pattern = nuisance_pattern != null && !nuisance_pattern.isBlank();
		final boolean artefact = patch != null && !patch.getPath().isEmpty();
		if (!table && !pattern && !artefact) {
			throw new ExplainException("nothing to audit: give a nuisance_table (CSV: file,<nuisance>...), a nuisance_pattern over the file " +
				"names, or an artefact patch image (or several of them)");
		}
		if (table && pattern) throw new ExplainException("give either nuisance_table or nuisance_pattern, not both");
		if (table && !nuisance_table.isFile()) {
			throw new ExplainException("the nuisance table " + nuisance_table + " does not exist: choose a CSV file (file,<nuisance>...)");
		}
		if (artefact && !patch.isFile()) throw new ExplainException("the patch " + patch + " does not exist: choose a small image file");
		final ResultsTable rt = new ResultsTable();
		rt.showRowNumbers(false);
		final AnalysisResults results = new AnalysisResults();
		final StringBuilder report = new StringBuilder("# Shortcut audit of " + model_file.getName() + " on " + folder.dir().getFileName() +
			"\n\n");
		final List<String> flags = new ArrayList<>();
		if (table || pattern) {
			final String stage = layer == null || layer.isBlank() ? ShortcutAudit.defaultStage(network) : layer.trim();
			network.stageIndex(stage);
			final ShortcutAudit.Nuisances nuisances = table ? ShortcutAudit.fromTable(nuisance_table.toPath(), folder)
				: ShortcutAudit.fromPattern(nuisance_pattern, folder);
			if (folds < 2) throw new ExplainException("folds must be at least 2, not " + folds);
			final double[][] features = ShortcutAudit.pooledFeatures(network, folder, stage, progress());
			report.append("## Linear probes on the features of '").append(stage).append("'\n\n")
				.append(String.format(Locale.ROOT, "Ridge classifier, %d-fold cross-validation, %d permutations (seed %d).%n%n",
					Math.min(folds, folder.size()), permutations, seed))
				.append("| nuisance | values | balanced accuracy | chance | p-value |\n|---|---|---|---|---|\n");
			for (final ShortcutAudit.Probe p : ShortcutAudit.probes(features, nuisances, folds, permutations, seed)) {
				rt.incrementCounter();
				rt.addValue("test", "linear probe");
				rt.addValue("group", p.nuisance);
				rt.addValue("n", p.n);
				rt.addValue("balanced_accuracy", p.result.balancedAccuracy);
				rt.addValue("chance", p.result.chance);
				rt.addValue("p_value", p.result.pValue);
				rt.addValue("flipped", Double.NaN);
				rt.addValue("flip_rate", Double.NaN);
				rt.addValue("flipped_to", "");
				report.append(String.format(Locale.ROOT, "| %s | %d | %.3f | %.3f | %.4g |%n", p.nuisance, p.levels.size(),
					p.result.balancedAccuracy, p.result.chance, p.result.pValue));
				if (p.result.pValue <= 0.05 && p.result.balancedAccuracy > p.result.chance) {
					flags.add(String.format(Locale.ROOT, "the features of '%s' encode the nuisance '%s' (balanced accuracy %.2f, chance %.2f, " +
						"p = %.3g)", stage, p.nuisance, p.result.balancedAccuracy, p.result.chance, p.result.pValue));
				}
				results.property("probe " + p.nuisance + " balanced_accuracy", Double.toString(p.result.balancedAccuracy));
				results.property("probe " + p.nuisance + " p_value", Double.toString(p.result.pValue));
			}
			results.property("layer", stage);
			report.append('\n');
		}
		if (artefact) {
			final ImagePlus p = ImageFiles.open(patch, "patch");
			final ShortcutAudit.Flips flips = ShortcutAudit.artefact(network, folder, ImagePlusAdapter.planes(ImagePlusAdapter.currentPlanes(p)),
				p.getWidth(), p.getHeight(), x, y, progress());
			report.append(String.format(Locale.ROOT, "## Artefact test: %s (%dx%d) pasted at x=%d, y=%d%n%n", patch.getName(), p.getWidth(),
				p.getHeight(), x, y)).append("| model's class before | images | flipped | rate | flipped to |\n|---|---|---|---|---|\n");
			for (int c = 0; c < flips.classNames.size(); c++) {
				final int n = flips.count(c);
				if (n == 0) continue;
				final int flipped = flips.flipped(c);
				final String to = flippedTo(flips, c);
				rt.incrementCounter();
				rt.addValue("test", "artefact patch");
				rt.addValue("group", flips.classNames.get(c));
				rt.addValue("n", n);
				rt.addValue("balanced_accuracy", Double.NaN);
				rt.addValue("chance", Double.NaN);
				rt.addValue("p_value", Double.NaN);
				rt.addValue("flipped", flipped);
				rt.addValue("flip_rate", flipped / (double) n);
				rt.addValue("flipped_to", to);
				report.append(String.format(Locale.ROOT, "| %s | %d | %d | %.2f | %s |%n", flips.classNames.get(c), n, flipped, flipped / (double) n,
					to.isEmpty() ? "-" : to));
				if (flipped * 2 >= n && flipped > 0) {
					flags.add(String.format(Locale.ROOT, "pasting %s flips %d of %d '%s' images (to %s)", patch.getName(), flipped, n,
						flips.classNames.get(c), to));
				}
			}
			results.property("flipped", Integer.toString(flips.flipped()));
			results.property("flip_rate", Double.toString(flips.flipped() / (double) flips.before.length));
			report.append('\n');
		}
		report.append("## Verdict\n\n");
		if (flags.isEmpty()) report.append("No shortcut flagged by these tests.\n");
		else for (final String f : flags) report.append("- FLAG: ").append(f).append('\n');
		results.table("Explain-IJ shortcut audit", rt).text("report", "md", report.toString());
		results.property("method", "shortcut-audit");
		results.property("flags", Integer.toString(flags.size()));
		results.property("seed", Long.toString(seed));
		return results;
	}

	/** "mitotic 8, apoptotic 1": where class c's flipped images went, most first. */
	private static String flippedTo(final ShortcutAudit.Flips flips, final int c) {
		final int[] to = flips.flippedTo(c);
		final List<Integer> order = new ArrayList<>();
		for (int k = 0; k < to.length; k++) {
			if (to[k] > 0) order.add(k);
		}
		order.sort((a, b) -> to[b] != to[a] ? Integer.compare(to[b], to[a]) : Integer.compare(a, b));
		final List<String> parts = new ArrayList<>();
		for (final int k : order) parts.add(flips.classNames.get(k) + " " + to[k]);
		return String.join(", ", parts);
	}
}
