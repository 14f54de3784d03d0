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

	public static final String TARGET_DESCRIPTION = "'predicted' (the top class), a class index (0-based, as PyTorch counts) or a class name from the model's sidecar";

	// ---- perturbation methods (occlusion, LIME, RISE) ----
	public static final String UNITS_PIXELS = "pixels";
	public static final String UNITS_CALIBRATED = "calibrated";
	public static final String UNITS_DESCRIPTION = "whether window and cell sizes are in pixels or in the image's calibrated units (e.g. microns, via Image > Properties)";
	public static final String FILL_ZERO = "zero";
	public static final String FILL_MEAN = "mean";
	public static final String FILL_BLUR = "blur";
	public static final String FILL_VALUE = "value";
	public static final String FILL_SEGMENT_MEAN = "segment_mean";
	public static final String BATCH_SIZE_DESCRIPTION = "images per forward pass; 0 chooses from the image size (the result does not depend on it)";
	public static final String WINDOW_MAP = "window_map";
	public static final String SUPERPIXELS = "superpixels";
}
