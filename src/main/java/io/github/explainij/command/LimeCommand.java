package io.github.explainij.command;

import ij.ImagePlus;
import ij.gui.Overlay;
import ij.gui.Roi;
import ij.plugin.filter.ThresholdToSelection;
import ij.plugin.frame.RoiManager;
import ij.process.ByteProcessor;
import ij.process.FloatProcessor;

import io.github.explainij.method.Attribution;
import io.github.explainij.method.ExplainRequest;
import io.github.explainij.method.perturbation.Fill;
import io.github.explainij.method.perturbation.Lime;
import io.github.explainij.method.perturbation.Slic;

import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import java.awt.Color;
import java.awt.GraphicsEnvironment;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Plugins > Explain-IJ > Attribution > LIME (CLI: {@code lime}). Besides the weight map: the superpixels
 * as a label image ({@code superpixels}), and the top {@code features} superpixels as ROIs, in the ROI
 * Manager when there is a UI, else as an overlay on the attribution image; they are always listed in
 * the result's Info ({@code top_superpixels}: label:weight, ...).
 */
@Plugin(type = Command.class, name = "lime", label = Lime.NAME, menuPath = Options.MENU_ATTRIBUTION + ">" + Lime.NAME,
	description = "Weighted linear fit of the score on which SLIC superpixels are shown (Ribeiro et al. 2016; the lime package)")
public class LimeCommand extends AttributionCommand {

	@Parameter(label = "Segments (number of superpixels)", min = "1", description = "Roughly how many patches (SLIC superpixels) " +
		"the image is cut into; each patch is shown or hidden as a whole. More patches give a finer map and need more samples.")
	private int segments = Slic.DEFAULT_SEGMENTS;

	@Parameter(label = "Compactness", description = "How square the patches are: 0.5 (default) lets patches follow cell outlines, " +
		"larger values give squarer patches (10: a regular grid). SLIC compactness, on intensities scaled to 0-1 between their " +
		"1st and 99.8th percentiles")
	private double compactness = Slic.DEFAULT_COMPACTNESS;

	@Parameter(label = "Samples", min = "2", description = "How many images with random patches hidden are scored (one network pass each; the first is the " +
		"image itself). More samples give a steadier map and take longer.")
	private int samples = 1000;

	@Parameter(label = "Kernel width", description = "How strongly samples close to the real image count more than others (the width of lime's " +
		"exponential kernel on the cosine distance; lime uses 0.25)")
	private double kernel_width = 0.25;

	@Parameter(label = "Features (patches to mark)", min = "0", description = "How many of the patches that raise the score most " +
		"are outlined as ROIs (in the ROI Manager)")
	private int features = 5;

	@Parameter(label = "Random seed", description = Options.SEED_DESCRIPTION)
	private long seed = 0;

	@Parameter(label = "Fill", choices = { Options.FILL_SEGMENT_MEAN, Options.FILL_ZERO, Options.FILL_MEAN, Options.FILL_BLUR, Options.FILL_VALUE },
		description = "What a hidden patch is replaced with: its own mean intensity (segment_mean, lime's default), " +
		"black (zero), the image mean, the blurred image, or the fill value")
	private String fill = Options.FILL_SEGMENT_MEAN;

	@Parameter(label = "Fill value", description = "The intensity (in the image's own units) used when Fill is 'value'")
	private double fill_value = 0;

	@Parameter(label = "Batch size (0 = automatic)", min = "0", description = Options.BATCH_SIZE_DESCRIPTION)
	private int batch_size = 0;

	@Parameter(type = ItemIO.OUTPUT, label = "Superpixels")
	private ImagePlus superpixels;

	private List<Roi> topRois = List.of();

	@Override
	public Lime method() {
		return new Lime(new Slic(segments, compactness), samples, kernel_width, features, seed, Fill.parse(fill, fill_value, true), batch_size);
	}

	@Override
	protected Attribution explain(final ExplainRequest request) {
		final Lime.Result r = method().explainWithSegments(request);
		final int w = request.width(), h = request.height();
		final int[] labels = r.segments();
		final float[] asFloat = new float[labels.length];
		for (int i = 0; i < labels.length; i++) asFloat[i] = labels[i];
		superpixels = new ImagePlus("LIME superpixels of " + image.getTitle(), new FloatProcessor(w, h, asFloat));
		superpixels.setCalibration(image.getCalibration().copy());
		superpixels.getProcessor().resetMinAndMax();
		final double[] weights = r.weights();
		final List<Roi> rois = new ArrayList<>();
		int rank = 1;
		for (final int s : r.top()) {
			final ByteProcessor mask = new ByteProcessor(w, h);
			for (int i = 0; i < labels.length; i++) if (labels[i] == s) mask.set(i, 255);
			mask.setThreshold(255, 255, ByteProcessor.NO_LUT_UPDATE);
			final Roi roi = ThresholdToSelection.run(new ImagePlus("mask", mask));
			if (roi == null) continue;
			roi.setName(String.format(Locale.ROOT, "LIME #%d superpixel %d (weight %.4g)", rank++, s, weights[s]));
			roi.setStrokeColor(Color.YELLOW);
			rois.add(roi);
		}
		topRois = rois;
		return r.attribution();
	}

	@Override
	public void run() {
		topRois = List.of();
		super.run();
		if (attribution == null || topRois.isEmpty()) return;
		if (ui != null && !ui.isHeadless() && !GraphicsEnvironment.isHeadless()) {
			final RoiManager manager = RoiManager.getRoiManager();
			for (final Roi roi : topRois) manager.addRoi((Roi) roi.clone());
		}
		else {
			final Overlay overlay = new Overlay();
			for (final Roi roi : topRois) overlay.add((Roi) roi.clone());
			attribution.setOverlay(overlay);
		}
	}

	/** The top superpixels of the last run as ROIs (largest positive weight first). */
	public List<Roi> topRois() {
		return topRois;
	}
}
