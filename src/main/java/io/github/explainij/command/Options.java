package io.github.explainij.command;

/**
 * Option names, choices and defaults shared by the commands, the ImageJ 1.x bridge, the command line
 * and the documentation. Field names of commands are the macro keys; they are listed here so the
 * command line and the docs use the same words.
 */
public final class Options {

	private Options() {}

	public static final String MENU_ROOT = "Plugins>Explain-IJ";
	public static final String MENU_ATTRIBUTION = MENU_ROOT + ">Attribution";
	public static final String MENU_INSIDE = MENU_ROOT + ">Inside the Network";
	public static final String MENU_EVALUATE = MENU_ROOT + ">Evaluate";

	/** A folder of images (labelled: one sub-folder per class, or a labels.csv with file,label); {@code --input-dir} on the command line. */
	public static final String INPUT_DIR = "input_dir";
	public static final String INPUT_DIR_DESCRIPTION = "A folder of images. Labelled: one sub-folder per class, or a labels.csv " +
		"(file,label) beside the images; concept or evidence masks in masks/ beside images/ with the same file names.";
	public static final String LAYER_DESCRIPTION = "The network layer (a stage name, e.g. relu2); empty: the sidecar's cam_layer.";

	/** The layer given, or the sidecar's cam_layer when none is given; refuses when there is neither. */
	public static String layerOrDefault(final String layer, final io.github.explainij.model.Network network) {
		network.requireStages("choosing a layer");
		if (layer != null && !layer.isBlank()) {
			network.stageIndex(layer.trim());
			return layer.trim();
		}
		final String cam = network.spec().camLayer();
		if (cam == null || cam.isEmpty()) {
			throw new io.github.explainij.ExplainException("layer is not given and the model's sidecar names no cam_layer: give a layer, one of " +
				network.layerNames());
		}
		return cam;
	}

	/** A mask image (ground truth); {@code --mask} on the command line. */
	public static final String MASK = "mask";

	public static final String IMAGE = "image";
	public static final String MODEL_FILE = "model_file";
	public static final String TARGET = "target";
	public static final String SCORE = "score";
	public static final String DEVICE = "device";
	public static final String SHOW_OVERLAY = "show_overlay";
	public static final String ATTRIBUTION = "attribution";

	public static final String TARGET_PREDICTED = "predicted";
	public static final String SCORE_LOGIT = "logit";
	public static final String SCORE_PROBABILITY = "probability";
	public static final String DEVICE_AUTO = "auto";
	public static final String DEVICE_CPU = "cpu";
	public static final String DEVICE_GPU = "gpu";

	public static final String MODEL_FILE_DESCRIPTION = "The trained network, saved as TorchScript (.pt). If a .json file with the same name sits beside it, " +
		"it gives the class names and how pixel values are normalized. A .pt file is a program: open only models you trust.";
	public static final String TARGET_DESCRIPTION = "Which class to explain: 'predicted' (the class the model chooses for this image), or a class " +
		"name from the model's list, or a class number (0 is the first). Change it to ask why the image is (or is not) that class.";
	public static final String SCORE_DESCRIPTION = "What is explained: the class's raw score (logit, the usual choice) or its probability " +
		"(softmax), which also depends on the other classes.";
	public static final String DEVICE_DESCRIPTION = "Where the network runs: auto uses a GPU when one is set up, else the CPU; the result is the same.";
	public static final String SHOW_OVERLAY_DESCRIPTION = "Draw the map as a coloured, see-through layer on the image (remove it with " +
		"Image > Overlay > Remove Overlay); the map itself is always a new 32-bit image.";
	public static final String SEED_DESCRIPTION = "Starting number of the random generator: the same seed gives the same map; change it to " +
		"see how much the map depends on chance.";
	public static final String RELU_DESCRIPTION = "Keep only the parts that raise the class score (negative values set to 0, the technical 'ReLU'); " +
		"untick to also see what lowers it.";

	// ---- regions and objects, planes ----
	public static final String REGION = "region";
	public static final String REGION_WHOLE = "whole image";
	public static final String REGION_SELECTION = "selection";
	public static final String REGION_ROI_MANAGER = "ROI Manager";
	public static final String REGION_LABELS = "label image";
	public static final String REGION_DESCRIPTION = "What to explain: the whole image (the usual choice), the current selection, each ROI " +
		"of the ROI Manager, or each object of a label image. A segmentation model's class score is read over the region; a classifier " +
		"explains a crop around each object. Change it to ask why one cell is called what it is.";
	public static final String LABEL_IMAGE = "label_image";
	public static final String LABEL_IMAGE_DESCRIPTION = "Only for region = label image: a TIFF of the image's size in which each object " +
		"has its own value (0 is background), e.g. from a segmentation; a black-and-white mask is one region.";
	public static final String REGION_SCORE = "region_score";
	public static final String REGION_SCORE_MEAN = "mean";
	public static final String REGION_SCORE_SUM = "sum";
	public static final String REGION_SCORE_DESCRIPTION = "Only for segmentation models: the class's score averaged over the region's " +
		"pixels (mean, the usual choice) or added up (sum, which grows with the region's size).";
	public static final String CONTEXT = "crop_context"; // SciJava reserves "context" for the command's own Context
	public static final String CONTEXT_DESCRIPTION = "Only for a classifier explaining objects: how many pixels around each object's box " +
		"are kept when it is cut out. Increase it when the surroundings matter to the decision.";
	public static final String PLANES = "planes";
	public static final String PLANES_CURRENT = "current";
	public static final String PLANES_ALL = "all";
	public static final String PLANES_DESCRIPTION = "Which part of a stack to explain: the current plane (the usual choice), or every Z " +
		"slice and time point, which gives a stack of the same shape.";

	// ---- shared by several families ----
	public static final String PER_CHANNEL = "per_channel";
	public static final String PER_CHANNEL_DESCRIPTION = "For multi-channel images: one map per channel (a stack) instead of one map " +
		"for all channels together.";
	public static final String BATCH_SIZE = "batch_size";
	public static final String BATCH_SIZE_DESCRIPTION = "How many images the network processes at once; 0 chooses from the image size and " +
		"the memory. The result does not depend on it; lower it only if memory runs out.";
	public static final String BASELINE_ZERO = io.github.explainij.method.Baselines.ZERO;
	public static final String BASELINE_MEAN = io.github.explainij.method.Baselines.MEAN;
	public static final String BASELINE_BLUR = io.github.explainij.method.Baselines.BLUR;
	public static final String BASELINE_NOISE = io.github.explainij.method.Baselines.NOISE;

	// ---- class activation maps (CAM family) ----
	public static final String CAM_LAYER = "layer";
	public static final String CAM_LAYER_DESCRIPTION = "The network layer whose feature maps are weighed (a stage name, e.g. relu3). " +
		"Leave empty for the usual choice: the model's cam_layer, else the last convolution (or the ReLU after it). Earlier layers give finer, noisier maps.";
	public static final String CAM_LAYER_RESOLUTION = "layer_resolution";
	public static final String CAM_LAYER_MAP = "layer_map";

	// ---- relevance family (guided backpropagation, deconvnet, LRP, DeepLIFT) ----
	public static final String LRP_RULE_EPSILON = "epsilon";
	public static final String LRP_RULE_ZPLUS = "zplus";
	public static final String LRP_RULE_ALPHABETA = "alphabeta";
	public static final String LRP_RULE_COMPOSITE = "composite";
	public static final double LRP_EPSILON = 1e-6;
	public static final double LRP_ALPHA = 2;
	public static final double LRP_BETA = 1;

	// ---- gradient family (Gradient x Input, SmoothGrad, Integrated Gradients, Interior Gradients) ----

	public static final String VARIANT_SMOOTHGRAD = "smoothgrad";
	public static final String VARIANT_SMOOTHGRAD_SQ = "smoothgrad_sq";
	public static final String VARIANT_VARGRAD = "vargrad";
	public static final String BASE_SALIENCY = "saliency";
	public static final String BASE_GRADIENT_X_INPUT = "gradient-x-input";

	public static final String INTEGRATION_GAUSS_LEGENDRE = "gausslegendre";
	public static final String INTEGRATION_RIEMANN_LEFT = "riemann_left";
	public static final String INTEGRATION_RIEMANN_RIGHT = "riemann_right";
	public static final String INTEGRATION_RIEMANN_MIDDLE = "riemann_middle";
	public static final String INTEGRATION_RIEMANN_TRAPEZOID = "riemann_trapezoid";

	public static final String ALPHAS_DEFAULT = io.github.explainij.method.gradient.Alphas.DEFAULT;

	// ---- perturbation methods (occlusion, LIME, RISE) ----
	public static final String UNITS_PIXELS = "pixels";
	public static final String UNITS_CALIBRATED = "calibrated";
	public static final String UNITS_DESCRIPTION = "Whether sizes are in pixels or in the image's calibrated units (e.g. microns, " +
		"set in Image > Properties).";
	public static final String FILL_ZERO = BASELINE_ZERO;
	public static final String FILL_MEAN = BASELINE_MEAN;
	public static final String FILL_BLUR = BASELINE_BLUR;
	public static final String FILL_VALUE = "value";
	public static final String FILL_SEGMENT_MEAN = "segment_mean";
	public static final String WINDOW_MAP = "window_map";
	public static final String SUPERPIXELS = "superpixels";
}
