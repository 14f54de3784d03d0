package io.github.explainij.command;

import ij.gui.Plot;
import ij.measure.ResultsTable;

import io.github.explainij.inspect.ActivationSpace;
import io.github.explainij.inspect.Pca;
import io.github.explainij.model.Network;
import io.github.explainij.workflow.ImageFolder;

import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.widget.FileWidget;

import java.awt.Color;
import java.io.File;
import java.util.List;
import java.util.Locale;

/** Activation space: the images of a labelled folder as points, by the first two principal components of a layer's pooled activations. */
@Plugin(type = Command.class, name = "activation-space", menuPath = Options.MENU_INSIDE + ">Activation Space", label = "Activation Space",
	description = "How a layer arranges the images of a labelled folder: each image's activations averaged over space, projected on " +
		"their first two principal components (PCA), as a plot coloured by label and a table of coordinates.")
public class ActivationSpaceCommand extends AnalysisCommand {

	/** Distinct colours for up to ten labels (matplotlib's tab10), then repeated. */
	private static final Color[] COLOURS = { new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728),
		new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf) };

	@Parameter(label = "Labelled folder of images", style = FileWidget.DIRECTORY_STYLE, description = Options.INPUT_DIR_DESCRIPTION)
	protected File input_dir;

	@Parameter(label = "Layer", description = Options.LAYER_DESCRIPTION)
	protected String layer = "";

	@Override
	protected AnalysisResults analyse(final Network network) {
		final ImageFolder folder = ImageFolder.open(folder(input_dir, "the folder of images").toPath()).requireLabels("Activation space");
		final String stage = Options.layerOrDefault(layer, network);
		final ActivationSpace space = ActivationSpace.of(network, folder, stage, progress());
		final Pca pca = space.pca();
		final List<ImageFolder.Entry> entries = space.entries();
		final ResultsTable table = new ResultsTable();
		table.showRowNumbers(false);
		for (int i = 0; i < entries.size(); i++) {
			table.incrementCounter();
			table.addValue("file", entries.get(i).name);
			table.addValue("label", entries.get(i).label);
			table.addValue("pc1", pca.score(i, 0));
			table.addValue("pc2", pca.score(i, 1));
		}
		table.setDecimalPlaces(table.getColumnIndex("pc1"), -8);
		table.setDecimalPlaces(table.getColumnIndex("pc2"), -8);
		final String r1 = percent(pca.explainedVarianceRatio(0)), r2 = percent(pca.explainedVarianceRatio(1));
		final Plot plot = new Plot("Activation space of " + stage + " (" + folder.dir().getFileName() + ")", "PC1 (" + r1 + " of the variance)",
			"PC2 (" + r2 + ")");
		final StringBuilder legend = new StringBuilder();
		final List<String> labels = folder.labels();
		for (int l = 0; l < labels.size(); l++) {
			int count = 0;
			for (final ImageFolder.Entry e : entries) {
				if (labels.get(l).equals(e.label)) count++;
			}
			final double[] x = new double[count], y = new double[count];
			int j = 0;
			for (int i = 0; i < entries.size(); i++) {
				if (!labels.get(l).equals(entries.get(i).label)) continue;
				x[j] = pca.score(i, 0);
				y[j++] = pca.score(i, 1);
			}
			plot.setColor(COLOURS[l % COLOURS.length], COLOURS[l % COLOURS.length]);
			plot.setLineWidth(2); // larger markers
			plot.addPoints(x, y, Plot.CIRCLE);
			legend.append(l == 0 ? "" : "\n").append(labels.get(l)).append(" (").append(count).append(')');
		}
		plot.setColor(Color.BLACK);
		plot.addLegend(legend.toString());
		// every point inside the frame, with a margin of 5 % of each range
		double xmin = Double.POSITIVE_INFINITY, xmax = Double.NEGATIVE_INFINITY, ymin = xmin, ymax = xmax;
		for (int i = 0; i < entries.size(); i++) {
			xmin = Math.min(xmin, pca.score(i, 0));
			xmax = Math.max(xmax, pca.score(i, 0));
			ymin = Math.min(ymin, pca.score(i, 1));
			ymax = Math.max(ymax, pca.score(i, 1));
		}
		final double mx = 0.05 * Math.max(xmax - xmin, 1e-12), my = 0.05 * Math.max(ymax - ymin, 1e-12);
		plot.setLimits(xmin - mx, xmax + mx, ymin - my, ymax + my);
		return new AnalysisResults().table("Explain-IJ activation space", table).plot("pca", plot)
			.property("layer", stage)
			.property("explained_variance_ratio_pc1", Double.toString(pca.explainedVarianceRatio(0)))
			.property("explained_variance_ratio_pc2", Double.toString(pca.explainedVarianceRatio(1)))
			.property("embedding", "PCA (no t-SNE or UMAP: no suitable Java library, see the README)");
	}

	private static String percent(final double ratio) {
		return String.format(Locale.ROOT, "%.1f %%", 100 * ratio);
	}
}
