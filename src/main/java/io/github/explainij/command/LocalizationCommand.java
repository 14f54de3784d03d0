package io.github.explainij.command;

import ij.ImagePlus;
import ij.ImageStack;
import ij.gui.Roi;
import ij.gui.ShapeRoi;
import ij.measure.ResultsTable;
import ij.plugin.frame.RoiManager;
import ij.process.FloatProcessor;

import io.github.explainij.ExplainException;
import io.github.explainij.evaluate.Localization;
import io.github.explainij.image.ImageFiles;
import io.github.explainij.image.ImagePlusAdapter;
import io.github.explainij.image.ObjectMasks;
import io.github.explainij.method.Progress;
import io.github.explainij.model.Network;
import io.github.explainij.workflow.ObjectMask;

import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.widget.FileWidget;

import java.io.File;
import java.util.List;

/** Localization of one or several methods' maps against a ground-truth mask of the current image. */
@Plugin(type = Command.class, name = "localization", menuPath = Options.MENU_EVALUATE + ">Localization", label = "Localization",
	description = "Does the map point at the right structure? Compares the map with a ground-truth mask (a mask file, else the " +
		"selection, else all ROIs of the ROI Manager together): pointing game, relevance mass accuracy, relevance rank accuracy and " +
		"the share of the attribution inside. Over a folder with masks/: Compare Methods with metrics=localization.")
public class LocalizationCommand extends ImageEvaluationCommand {

	public static final String TABLE_TITLE = "Explain-IJ localization";

	@Parameter(label = "Target class", description = Options.TARGET_DESCRIPTION)
	protected String target = Options.TARGET_PREDICTED;

	@Parameter(label = "Methods (comma-separated; empty: the method above)", required = false,
		description = "Several methods to compare in one table, e.g. 'saliency,grad-cam'; empty: only the method above.")
	protected String methods = "";

	@Parameter(label = "Ground-truth mask file", required = false, style = FileWidget.OPEN_STYLE,
		description = "A mask of the image's size (non-zero = the structure the model should look at), --mask on the command line. " +
			"Leave empty to use the image's selection, or else every ROI of the ROI Manager together.")
	protected File mask;

	@Override
	protected AnalysisResults analyse(final Network network) {
		final ImagePlus source = sourceImage(image);
		if (network.spec().isVolumetric()) throw new ExplainException("localization is computed for 2D models; this model takes volumes");
		final int w = source.getWidth(), h = source.getHeight();
		final String[] where = new String[1];
		final boolean[] truth = groundTruth(w, h, where);
		final List<NamedMethod> chosen = chosenMethods(methods, source);
		final float[][] planes = ImagePlusAdapter.planes(ImagePlusAdapter.currentPlanes(source));
		final Progress progress = progress();
		final ResultsTable table = new ResultsTable();
		table.showRowNumbers(false);
		final ImageStack maps = new ImageStack(w, h);
		String targetName = "";
		final AnalysisResults results = new AnalysisResults();
		for (int m = 0; m < chosen.size(); m++) {
			final var request = request(network, planes, w, h, target, progress.part(m, chosen.size()));
			final float[] map = map(chosen.get(m), request);
			maps.addSlice(chosen.get(m).name, new FloatProcessor(w, h, map));
			final Localization.Scores s = Localization.of(map, truth);
			targetName = request.className(request.targetClass());
			table.incrementCounter();
			table.addValue("method", chosen.get(m).name);
			for (int k = 0; k < Localization.METRICS.length; k++) table.addValue(Localization.METRICS[k], s.values()[k]);
			if (chosen.size() == 1) {
				for (int k = 0; k < Localization.METRICS.length; k++) results.property(Localization.METRICS[k], DeletionCommand.format(s.values()[k]));
			}
		}
		for (final String c : Localization.METRICS) table.setDecimalPlaces(table.getColumnIndex(c), -8);
		int inside = 0;
		for (final boolean b : truth) if (b) inside++;
		final ImagePlus out = resultImage("Maps against " + where[0], maps, "localization", "ground truth: " + where[0], source);
		return results.image("maps", out).table(TABLE_TITLE, table).property("ground_truth", where[0]).property("target", targetName)
			.property("mask_fraction", DeletionCommand.format(inside / (double) truth.length));
	}

	/** The mask file, else the selection, else the ROI Manager's ROIs together; {@code where[0]} says which. */
	private boolean[] groundTruth(final int w, final int h, final String[] where) {
		final ObjectMask o;
		if (mask != null) {
			final List<ObjectMask> objects = ObjectMasks.fromLabels(ImageFiles.open(mask, "mask"), w, h);
			final float[] union = new float[w * h];
			for (final ObjectMask m : objects) for (int i = 0; i < union.length; i++) if (m.mask()[i] != 0) union[i] = 1;
			o = new ObjectMask(1, "mask", union, w, h);
			where[0] = "mask " + mask.getName();
		}
		else if (image.getRoi() != null && image.getRoi().isArea()) {
			o = ObjectMasks.fromRoi(image.getRoi(), w, h, 1, "selection");
			where[0] = "selection";
		}
		else {
			final RoiManager manager = RoiManager.getInstance();
			final Roi[] rois = manager == null ? null : manager.getRoisAsArray();
			if (rois == null || rois.length == 0) {
				throw new ExplainException("no ground truth: give a mask file (--mask on the command line), draw a selection on the image, " +
					"or add the structures to the ROI Manager");
			}
			ShapeRoi union = new ShapeRoi(rois[0]);
			for (int i = 1; i < rois.length; i++) union = union.or(new ShapeRoi(rois[i]));
			o = ObjectMasks.fromRoi(union, w, h, 1, "ROI Manager");
			where[0] = "ROI Manager (" + rois.length + " ROIs)";
		}
		final boolean[] out = new boolean[w * h];
		for (int i = 0; i < out.length; i++) out[i] = o.mask()[i] != 0;
		return out;
	}
}
