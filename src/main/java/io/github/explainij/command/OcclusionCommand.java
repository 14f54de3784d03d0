package io.github.explainij.command;

import ij.ImagePlus;
import ij.measure.Calibration;
import ij.process.FloatProcessor;

import io.github.explainij.method.Attribution;
import io.github.explainij.method.ExplainRequest;
import io.github.explainij.method.perturbation.Fill;
import io.github.explainij.method.perturbation.OcclusionSensitivity;

import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/**
 * Plugins > Explain-IJ > Attribution > Occlusion Sensitivity (CLI: {@code occlusion}). Besides the
 * attribution, {@code window_map} shows the target's probability for every window position (one pixel
 * per position, calibrated so each pixel is one stride wide), the view of Zeiler and Fergus.
 */
@Plugin(type = Command.class, name = "occlusion", label = OcclusionSensitivity.NAME,
	menuPath = Options.MENU_ATTRIBUTION + ">" + OcclusionSensitivity.NAME,
	description = "Score drop when a sliding window is occluded, averaged over the windows covering each pixel (Zeiler & Fergus 2014; Captum's Occlusion)")
public class OcclusionCommand extends AttributionCommand {

	@Parameter(label = "Window size", min = "0", description = "Side of the square that hides part of the image (in Units). Make it about the size of the " +
		"structures that matter (a nucleus, a spot); smaller windows give finer maps and more passes.")
	private double window = 16;

	@Parameter(label = "Stride", min = "0", description = "How far the square moves between positions (in Units; at most the window size). " +
		"Smaller steps give smoother maps and take longer: the passes grow with 1 / stride squared.")
	private double stride = 4;

	@Parameter(label = "Window depth (slices, 3D models)", min = "1",
		description = "for a 3D model: how many Z slices the occluding window spans (the window is a box); 1 for 2D images")
	private int window_z = 1;

	@Parameter(label = "Stride along Z (slices, 3D models)", min = "1", description = "for a 3D model: step between window positions along Z")
	private int stride_z = 1;

	@Parameter(label = "Units", choices = { Options.UNITS_PIXELS, Options.UNITS_CALIBRATED }, description = Options.UNITS_DESCRIPTION)
	private String units = Options.UNITS_PIXELS;

	@Parameter(label = "Fill", choices = { Options.FILL_ZERO, Options.FILL_MEAN, Options.FILL_BLUR, Options.FILL_VALUE },
		description = "What the hidden pixels are replaced with: black (zero), the image mean, the blurred image, or the fill " +
			"value. Use mean or blur when black itself looks like a signal to the model.")
	private String fill = Options.FILL_ZERO;

	@Parameter(label = "Fill value", description = "The intensity (in the image's own units) used when Fill is 'value'")
	private double fill_value = 0;

	@Parameter(label = "Batch size (0 = automatic)", min = "0", description = Options.BATCH_SIZE_DESCRIPTION)
	private int batch_size = 0;

	@Parameter(label = "Incremental inference", choices = { OcclusionSensitivity.INCREMENTAL_AUTO, OcclusionSensitivity.INCREMENTAL_ON,
		OcclusionSensitivity.INCREMENTAL_OFF }, description = "Recompute only what each window can change, stage by stage (Krypton, " +
			"Nakandala et al. 2019): the same numbers, many times faster. auto: where the model's stages allow it; on: refuse where " +
			"they do not; off: a full pass of the model for every window.")
	private String incremental = OcclusionSensitivity.INCREMENTAL_AUTO;

	@Parameter(type = ItemIO.OUTPUT, label = "Window map")
	private ImagePlus window_map;

	@Override
	public OcclusionSensitivity method() {
		return new OcclusionSensitivity(PixelUnits.toPixels(window, units, image, "window"), PixelUnits.toPixels(stride, units, image, "stride"),
			window_z, stride_z, Fill.parse(fill, fill_value, false), batch_size, incremental);
	}

	@Override
	protected Attribution explain(final ExplainRequest request) {
		final OcclusionSensitivity method = method();
		final OcclusionSensitivity.Result r = method.explainWithWindows(request);
		window_map = windowImage(r, method.stride());
		return r.attribution().withParameter("units", units);
	}

	private ImagePlus windowImage(final OcclusionSensitivity.Result r, final int stridePx) {
		final ij.ImageStack stack = new ij.ImageStack(r.columns(), r.rows());
		final int plane = r.columns() * r.rows();
		for (int z = 0; z < r.layers(); z++) {
			stack.addSlice(r.layers() == 1 ? null : "window z " + (z * stride_z + 1),
				new FloatProcessor(r.columns(), r.rows(), java.util.Arrays.copyOfRange(r.windowMap(), z * plane, (z + 1) * plane)));
		}
		final ImagePlus out = new ImagePlus("Occlusion window map of " + image.getTitle(), stack);
		final Calibration cal = image.getCalibration().copy();
		cal.pixelWidth *= stridePx;
		cal.pixelHeight *= stridePx;
		cal.pixelDepth *= stride_z;
		out.setCalibration(cal);
		out.setProp("content", "probability of the target class with the window at each position (Zeiler & Fergus 2014)");
		out.setProp("stride_px", Integer.toString(stridePx));
		out.getProcessor().resetMinAndMax();
		return out;
	}

	/** The per-window map of the last run, or null. */
	public ImagePlus windowMap() {
		return window_map;
	}
}
