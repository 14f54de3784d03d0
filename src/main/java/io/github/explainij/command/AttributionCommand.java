package io.github.explainij.command;

import ij.IJ;
import ij.ImagePlus;
import ij.measure.ResultsTable;
import ij.plugin.frame.RoiManager;

import io.github.explainij.ExplainException;
import io.github.explainij.image.ImageFiles;
import io.github.explainij.image.ImagePlusAdapter;
import io.github.explainij.image.ObjectMasks;
import io.github.explainij.method.Attribution;
import io.github.explainij.method.AttributionMethod;
import io.github.explainij.method.ExplainRequest;
import io.github.explainij.model.ModelService;
import io.github.explainij.model.Network;
import io.github.explainij.render.AttributionImages;
import io.github.explainij.render.ResultTables;
import io.github.explainij.target.Region;
import io.github.explainij.target.ScoreKind;
import io.github.explainij.target.TargetSpec;
import io.github.explainij.workflow.ChannelMass;
import io.github.explainij.workflow.ObjectExplanations;
import io.github.explainij.workflow.ObjectMask;
import io.github.explainij.workflow.PlaneExplanations;

import org.scijava.ItemIO;
import org.scijava.plugin.Parameter;
import org.scijava.widget.FileWidget;

import java.io.File;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What every attribution command shares: the image, the model, the target, the score, the device, and
 * the outputs (a raw 32-bit attribution image and an overlay on the source). A subclass adds its own
 * parameters and says how to explain; all numerics live in the method classes.
 * <p>
 * Bad input never throws out of {@link #run()}: the command is cancelled with a message that says what
 * to do (shown as a dialog where there is a UI), and the source image is left as it was.
 */
public abstract class AttributionCommand extends ExplainCommand {

	@Parameter(label = "Image", description = "the image to explain (the active image)")
	protected ImagePlus image;

	@Parameter(label = "Model file (TorchScript .pt)", style = FileWidget.OPEN_STYLE + ",extensions:pt",
		description = Options.MODEL_FILE_DESCRIPTION)
	protected File model_file;

	@Parameter(label = "Target class", description = Options.TARGET_DESCRIPTION)
	protected String target = Options.TARGET_PREDICTED;

	@Parameter(label = "Score", choices = { Options.SCORE_LOGIT, Options.SCORE_PROBABILITY }, description = Options.SCORE_DESCRIPTION)
	protected String score = Options.SCORE_LOGIT;

	@Parameter(label = "Region", choices = { Options.REGION_WHOLE, Options.REGION_SELECTION, Options.REGION_ROI_MANAGER, Options.REGION_LABELS },
		description = Options.REGION_DESCRIPTION)
	protected String region = Options.REGION_WHOLE;

	@Parameter(label = "Label image or mask (for region = label image)", required = false, style = FileWidget.OPEN_STYLE,
		description = Options.LABEL_IMAGE_DESCRIPTION)
	protected File label_image;

	@Parameter(label = "Region score", choices = { Options.REGION_SCORE_MEAN, Options.REGION_SCORE_SUM },
		description = Options.REGION_SCORE_DESCRIPTION)
	protected String region_score = Options.REGION_SCORE_MEAN;

	@Parameter(label = "Context around objects (pixels)", min = "0", description = Options.CONTEXT_DESCRIPTION)
	protected int crop_context = 8;

	@Parameter(label = "Planes", choices = { Options.PLANES_CURRENT, Options.PLANES_ALL }, description = Options.PLANES_DESCRIPTION)
	protected String planes = Options.PLANES_CURRENT;

	@Parameter(label = "Device", choices = { Options.DEVICE_AUTO, Options.DEVICE_CPU, Options.DEVICE_GPU },
		description = Options.DEVICE_DESCRIPTION)
	protected String device = Options.DEVICE_AUTO;

	@Parameter(label = "Show overlay on the image", description = Options.SHOW_OVERLAY_DESCRIPTION)
	protected boolean show_overlay = true;

	@Parameter(type = ItemIO.OUTPUT, label = "Attribution")
	protected ImagePlus attribution;

	/** The titles of the results windows: per object, per channel. */
	public static final String OBJECT_TABLE_TITLE = "Explain-IJ objects", CHANNEL_TABLE_TITLE = "Explain-IJ channels";

	/** One row per explained object, or per input channel of a per-channel map (see {@link #resultsTable()}). */
	protected ResultsTable resultsTable;
	private String resultsTitle;

	/**
	 * The method with this command's parameters (validated when it is built). The command line, the
	 * benchmark and wrappers (SmoothGrad over any method) build methods through it.
	 */
	public abstract AttributionMethod method();

	/** Computes the attribution; commands with extra outputs (a layer map, superpixels) override it. */
	protected Attribution explain(final ExplainRequest request) {
		return method().explain(request);
	}

	@Override
	public void run() {
		clearFailure();
		ModelService.Loaded loaded = null; // held until the run ends, so a reload elsewhere cannot close it under us
		try {
			IJ.resetEscape();
			final String refusal = resultRefusal(image);
			if (refusal != null) throw new ExplainException(refusal);
			loaded = models.load(model_file, device);
			final Map<String, String> info = new LinkedHashMap<>();
			final Attribution result = explainRegionsAndPlanes(loaded.network(), info);
			info.put("device", loaded.network().device().toString());
			if (loaded.deviceNote() != null) {
				info.put("device_note", loaded.deviceNote());
				log.warn(loaded.deviceNote());
			}
			attribution = AttributionImages.toImage(result, image, loaded.network(), info);
			if (planes.equals(Options.PLANES_ALL)) {
				attribution.setDimensions(1, image.getNSlices(), image.getNFrames());
				if (attribution.getStackSize() > 1) attribution.setOpenAsHyperStack(true);
			}
			else if (loaded.network().spec().isVolumetric()) {
				attribution.setDimensions(1, image.getNSlices(), 1);
			}
			// a volume's map is a Z stack of its own (no overlay of one plane)
			if (show_overlay && !loaded.network().spec().isVolumetric()) AttributionImages.addOverlay(image, result);
			if (resultsTable != null && IJ.getInstance() != null) resultsTable.show(resultsTitle);
		}
		catch (final Throwable e) {
			// the one exit-code contract (Failure): bad input is one line to fix; anything else, Errors too,
			// goes to a log file with its stack trace and the user gets one line naming the cause and that file
			failWith(e, commandName() + " on '" + (image == null ? "no image" : image.getTitle()) + "' with model " + model_file);
		}
		finally {
			if (loaded != null) loaded.close();
			if (status != null) status.clearStatus();
		}
	}

	/**
	 * Explains what the user chose: the current plane (or every plane) of the whole image, or each object
	 * of the region; records how in {@code info} and fills {@link #resultsTable} for objects and channels.
	 */
	private Attribution explainRegionsAndPlanes(final Network network, final Map<String, String> info) {
		final TargetSpec targetSpec = TargetSpec.parse(target);
		final ScoreKind kind = ScoreKind.parse(score);
		final Region.Reduce reduce = Region.Reduce.parse(region_score);
		final List<ObjectMask> objects = objects();
		final Attribution result;
		if (network.spec().isVolumetric()) {
			if (objects != null || planes.equals(Options.PLANES_ALL)) {
				throw new ExplainException("a 3D model explains the whole Z stack: use region=whole image and planes=current");
			}
			final AttributionMethod method = method();
			if (!method.supportsVolumes()) {
				throw new ExplainException(getClass().getAnnotation(org.scijava.plugin.Plugin.class).label() + " does not explain volumes yet; for a 3D model use Saliency Map, " +
					"Gradient x Input, SmoothGrad, Integrated Gradients, Grad-CAM, Grad-CAM++, Layer-CAM, Occlusion Sensitivity, RISE or Channel Ablation");
			}
			final ExplainRequest request = ExplainRequest.volume(network, ImagePlusAdapter.volumeAt(image, image.getT()), image.getWidth(),
				image.getHeight(), image.getNSlices(), image.getNChannels(), targetSpec, kind, Region.whole(reduce), progress());
			final Attribution a = method.explain(request);
			if (a.map().numDimensions() > 3) {
				throw new ExplainException("per-channel maps of volumes are not shown yet: switch off per_channel");
			}
			final List<String> labels = new ArrayList<>();
			for (int z = 1; z <= image.getNSlices(); z++) labels.add("z=" + z);
			result = a.withSliceLabels(labels);
			info.put("volume", image.getNSlices() + " slices x " + image.getHeight() + " x " + image.getWidth() + " (t=" + image.getT() + ")");
		}
		else if (objects != null) {
			if (planes.equals(Options.PLANES_ALL)) {
				throw new ExplainException("planes=all explains whole planes; with a region, explain the current plane (planes=current)");
			}
			final ObjectExplanations.Result r = ObjectExplanations.run(network, ImagePlusAdapter.currentPlanes(image), targetSpec, kind,
				reduce, objects, crop_context, this::explain, progress());
			result = r.maps().size() == 1 ? r.maps().get(0) : r.stacked();
			resultsTable = ResultTables.objects(r.rows());
			resultsTitle = OBJECT_TABLE_TITLE;
			info.put("region", region + (objects.size() == 1 ? ": " + objects.get(0).name() : ": " + objects.size() + " objects, one slice each"));
			info.put("objects_explained_as", r.crops() ? "crops of a classifier's input (crop_context " + crop_context + " px)"
				: "regions of the segmentation output (region_score " + reduce.key() + ")");
		}
		else if (planes.equals(Options.PLANES_ALL)) {
			result = PlaneExplanations.run(image.getNSlices(), image.getNFrames(), (z, t) -> ImagePlusAdapter.planesAt(image, z, t),
				(plane, part) -> new ExplainRequest(network, plane, targetSpec, kind, Region.whole(reduce), part), this::explain, progress());
			info.put("plane", "c=all, every z and t");
		}
		else {
			final ExplainRequest request = new ExplainRequest(network, ImagePlusAdapter.currentPlanes(image), targetSpec, kind,
				Region.whole(reduce), progress());
			result = explain(request);
			if (request.isDense()) info.put("region", "whole image (region_score " + reduce.key() + ")");
			if (image.getNChannels() > 1 || image.getNSlices() > 1 || image.getNFrames() > 1) {
				info.put("plane", "c=all z=" + image.getZ() + " t=" + image.getT());
			}
		}
		// every result records the score it explains, first among its parameters
		return perChannel(result, network).withParameter("score", kind.key());
	}

	/**
	 * A map with one slice per input channel gets the channels' names (the sidecar's channel_names, else
	 * ImageJ's channel labels) and a table of each channel's attribution mass.
	 */
	private Attribution perChannel(final Attribution a, final Network network) {
		final int channels = image.getType() == ImagePlus.COLOR_RGB ? 3 : image.getNChannels();
		final boolean perChannelMap = "true".equals(a.parameters().get(Options.PER_CHANNEL));
		final int dims = a.map().numDimensions();
		if (!perChannelMap || channels < 2 || resultsTable != null || a.map().dimension(dims - 1) != channels) return a;
		final List<String> names = channelNames(network, channels);
		resultsTable = ResultTables.channels(ChannelMass.of(a, names));
		resultsTitle = CHANNEL_TABLE_TITLE;
		return a.withSliceLabels(names);
	}

	/** The input channels' names: the sidecar's channel_names, else the image's channel labels, else "channel k". */
	private List<String> channelNames(final Network network, final int channels) {
		if (network.spec().channelNames().size() == channels) return network.spec().channelNames();
		final List<String> names = new ArrayList<>();
		final boolean rgb = image.getType() == ImagePlus.COLOR_RGB;
		for (int c = 1; c <= channels; c++) {
			String label = rgb ? new String[] { "red", "green", "blue" }[c - 1]
				: image.getStack().getShortSliceLabel(image.getStackIndex(c, image.getZ(), image.getT()));
			if (label == null || label.isBlank() || names.contains(label)) label = "channel " + c;
			names.add(label);
		}
		return names;
	}

	/** The objects of the chosen region, or null for the whole image. */
	private List<ObjectMask> objects() {
		final int w = image.getWidth(), h = image.getHeight();
		switch (region) {
			case Options.REGION_WHOLE:
				return null;
			case Options.REGION_SELECTION:
				if (image.getRoi() == null) throw new ExplainException("region=selection but the image has no selection: draw the region first");
				return List.of(ObjectMasks.fromRoi(image.getRoi(), w, h, 1, "selection"));
			case Options.REGION_ROI_MANAGER:
				final RoiManager manager = RoiManager.getInstance();
				return ObjectMasks.fromRois(manager == null ? null : manager.getRoisAsArray(), w, h);
			case Options.REGION_LABELS:
				if (label_image == null) throw new ExplainException("region=label image needs a label image or mask file (label_image)");
				return ObjectMasks.fromLabels(ImageFiles.open(label_image, "label image"), w, h);
			default:
				throw new ExplainException("region must be one of whole image, selection, ROI Manager or label image, not '" + region + "'");
		}
	}

	/**
	 * Whether an image is an Explain-IJ result (an attribution, or a map at a layer's resolution): their
	 * Info starts with "Explain-IJ" and they record the method and the model. Explaining one would
	 * explain a heatmap, not the cells.
	 */
	public static boolean isExplainResult(final ImagePlus imp) {
		if (imp == null) return false;
		final Object info = imp.getProperty("Info");
		if (info instanceof String && ((String) info).startsWith("Explain-IJ")) return true;
		return imp.getProp("method") != null && imp.getProp("model") != null;
	}

	/** Why this image is not explained (it is an Explain-IJ result), or null when it may be. */
	public static String resultRefusal(final ImagePlus imp) {
		if (!isExplainResult(imp)) return null;
		return "'" + imp.getTitle() + "' is an Explain-IJ result, not an image to explain: select the source image" +
			(imp.getProp("source") == null ? "" : " ('" + imp.getProp("source") + "')") + " and run the command again";
	}

	@Override
	protected void fail(final String message) {
		attribution = null;
		super.fail(message);
	}

	/**
	 * The results table of the last run: one row per object (objects were explained), or per input channel
	 * (a per-channel map: which stain carries the attribution); null otherwise.
	 */
	public ResultsTable resultsTable() {
		return resultsTable;
	}

	/** The result, or null when the command failed. */
	public ImagePlus attribution() {
		return attribution;
	}
}
