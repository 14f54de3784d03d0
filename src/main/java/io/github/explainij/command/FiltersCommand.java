package io.github.explainij.command;

import ij.ImagePlus;
import ij.ImageStack;
import ij.measure.ResultsTable;
import ij.process.ColorProcessor;
import ij.process.FloatProcessor;

import io.github.explainij.inspect.Filters;
import io.github.explainij.model.Network;

import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/** Filters: a convolutional stage's weights as a stack, a montage of the first convolution, and weight statistics. */
@Plugin(type = Command.class, name = "filters", menuPath = Options.MENU_INSIDE + ">Filters", label = "Filters",
	description = "The weights of one convolutional layer: a 32-bit stack with one slice per kernel (slice out * in_channels + in holds " +
		"kernel [out, in], raw values), a montage for the first convolution (in colour when it sees 3 channels), and per output " +
		"channel the mean, standard deviation, minimum, maximum, L2 norm and bias of its weights.")
public class FiltersCommand extends AnalysisCommand {

	@Parameter(label = "Layer", description = "A convolutional layer (a stage name, e.g. conv1); empty: the first convolution.")
	protected String layer = "";

	@Override
	protected AnalysisResults analyse(final Network network) {
		network.requireStages("filters");
		final String stage = layer == null || layer.isBlank() ? firstConv(network) : layer.trim();
		final Filters f = Filters.of(network, stage);
		final ImageStack stack = new ImageStack(f.kernelWidth(), f.kernelHeight());
		for (int o = 0; o < f.outChannels(); o++) {
			for (int i = 0; i < f.inChannels(); i++) {
				stack.addSlice(stage + " out " + o + " in " + i, new FloatProcessor(f.kernelWidth(), f.kernelHeight(), f.kernel(o, i)));
			}
		}
		final ImagePlus out = new ImagePlus("Filters of " + stage + " (" + model_file.getName() + ")", stack);
		out.setProperty("Info", "Explain-IJ filters\nlayer: " + stage + "\nshape [out, in, kh, kw]: [" + f.outChannels() + ", " +
			f.inChannels() + ", " + f.kernelHeight() + ", " + f.kernelWidth() + "]\nslice out * " + f.inChannels() + " + in holds kernel [out, in]");
		out.setProp("method", "filters");
		out.setProp("layer", stage);
		out.resetDisplayRange();
		final ResultsTable table = new ResultsTable();
		table.showRowNumbers(false);
		for (int o = 0; o < f.outChannels(); o++) {
			table.incrementCounter();
			table.addValue("layer", stage);
			table.addValue("out_channel", o);
			table.addValue("mean", f.mean(o));
			table.addValue("std", f.std(o));
			table.addValue("min", f.min(o));
			table.addValue("max", f.max(o));
			table.addValue("l2_norm", f.l2(o));
			if (f.hasBias()) table.addValue("bias", f.bias(o));
		}
		for (final String c : new String[] { "mean", "std", "min", "max", "l2_norm", "bias" }) {
			if (table.columnExists(c)) table.setDecimalPlaces(table.getColumnIndex(c), -8);
		}
		final AnalysisResults results = new AnalysisResults().image("filters", out).table("Explain-IJ filters", table);
		if (f.isFirst()) {
			final ImagePlus m = f.inChannels() == 3
				? new ImagePlus("Montage of the filters of " + stage, new ColorProcessor(f.montageWidth(), f.montageHeight(), f.rgbMontage()))
				: new ImagePlus("Montage of the filters of " + stage, new FloatProcessor(f.montageWidth(), f.montageHeight(), f.greyMontage()));
			m.resetDisplayRange();
			results.image("montage", m);
		}
		return results;
	}

	private static String firstConv(final Network network) {
		final java.util.List<String> convs = Filters.convStages(network);
		if (convs.isEmpty()) {
			throw new io.github.explainij.ExplainException("the model " + network.spec().name() + " has no convolutional stage: filters shows " +
				"the weights of one (its stages are " + network.layerNames() + ")");
		}
		return convs.get(0);
	}
}
