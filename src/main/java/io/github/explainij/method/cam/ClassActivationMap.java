package io.github.explainij.method.cam;

import io.github.explainij.ExplainException;
import io.github.explainij.image.ImagePlusAdapter;
import io.github.explainij.method.Attribution;
import io.github.explainij.method.AttributionMethod;
import io.github.explainij.method.ExplainRequest;
import io.github.explainij.model.Network;

import net.imglib2.img.array.ArrayImgs;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The shared base of the class activation maps (the idea of pytorch-grad-cam's {@code BaseCAM}): it
 * gets the activations A [C, h, w] at the chosen stage's output (and d score / d A when the variant
 * needs it), asks the variant for the channel weights, sums {@code cam = sum_c w_c A_c}, applies a
 * ReLU if asked, and upsamples the map to the image's size with bilinear interpolation as PyTorch's
 * {@code F.interpolate(mode="bilinear", align_corners=False)}. A variant only says how the weights are
 * computed: one weight per channel (length C), or one per element (length C*h*w, as Layer-CAM).
 * <p>
 * Values stay raw (as Captum's LayerGradCam; pytorch-grad-cam min-max scales its maps for display,
 * which is left to the viewer here). For a model with a fixed input size the map lives on the
 * network's grid (e.g. 16x16 of a 64x64 input) and is upsampled straight to the image's own size.
 * <p>
 * The layer: the user's choice, else the sidecar's {@code cam_layer}, else the last "conv" stage, or
 * the ReLU right after it when there is one: pytorch-grad-cam's users pick the last convolutional
 * block's output, and the rectified output is what the following layers see.
 */
public abstract class ClassActivationMap implements AttributionMethod {

	private final String layer;
	private final boolean relu;

	/**
	 * @param layer a stage name, or empty / null for the default layer
	 * @param relu whether negative values of the map are set to zero
	 */
	protected ClassActivationMap(final String layer, final boolean relu) {
		this.layer = layer == null ? "" : layer.strip();
		this.relu = relu;
	}

	/** The method's display name, e.g. "Grad-CAM". */
	public abstract String name();

	/** Whether the variant needs d score / d A (Score-CAM and CAM do not). */
	protected boolean usesGradients() {
		return true;
	}

	/**
	 * The stage whose output holds the activations, given the user's stage (CAM moves to the features
	 * its global average pooling averages).
	 */
	protected int featureStage(final Network network, final int chosen) {
		return chosen;
	}

	/** Refuses requests the variant cannot explain (before any computation). */
	protected void check(final ExplainRequest request) {}

	/**
	 * The channel weights: length C (one per channel) or C*h*w (one per element, channel-major).
	 *
	 * @param target the resolved target class
	 */
	protected abstract float[] weights(LayerActivations a, ExplainRequest request, int target);

	/** Parameters of the variant recorded with the result, besides layer and relu. */
	protected Map<String, String> variantParameters() {
		return Map.of();
	}

	/** Forward passes the variant runs besides the target pass and the pass to the layer (Score-CAM: one per channel). */
	protected int extraForwardPasses(final LayerActivations a) {
		return 0;
	}

	/** Result values of the variant (e.g. the stage CAM took its features from). */
	protected Map<String, String> variantResults(final LayerActivations a) {
		return Map.of();
	}

	public String layer() { return layer; }

	public boolean relu() { return relu; }

	/** The default stage for class activation maps of this network; see the class comment. */
	public static String defaultLayer(final Network network) {
		final String fromSidecar = network.spec().camLayer();
		if (fromSidecar != null && !fromSidecar.isBlank()) return fromSidecar.strip();
		final List<String> kinds = network.layerKinds();
		for (int i = kinds.size() - 1; i >= 0; i--) {
			if (kinds.get(i).equals("conv")) {
				return network.layerNames().get(i + 1 < kinds.size() && kinds.get(i + 1).equals("relu") ? i + 1 : i);
			}
		}
		throw new ExplainException("the model names no convolutional stage (layer_kinds) and its sidecar no cam_layer: choose the layer (parameter layer), one of " + network.layerNames());
	}

	/** The resolved stage index for this request's network. */
	public int stage(final Network network) {
		network.requireStages(name());
		return network.stageIndex(layer.isEmpty() ? defaultLayer(network) : layer);
	}

	/** Attribution at the image's size and the map at the layer's own resolution. */
	public Maps compute(final ExplainRequest request) {
		final Network net = request.network();
		final int chosen = stage(net);
		check(request);
		final int stage = featureStage(net, chosen);
		final LayerActivations a = LayerActivations.at(request, stage, usesGradients(), name());
		final int target = request.targetClass();
		final float[] w = weights(a, request, target);
		final int c = a.channels(), h = a.height(), wd = a.width(), d = a.depth(), n = a.positions();
		final boolean elementwise = w.length == c * n;
		if (!elementwise && w.length != c) throw new IllegalStateException(name() + " gave " + w.length + " weights for " + c + " channels");
		final float[] act = a.activations();
		final float[] layerMap = new float[n];
		for (int k = 0; k < c; k++) {
			for (int i = 0; i < n; i++) layerMap[i] += (elementwise ? w[k * n + i] : w[k]) * act[k * n + i];
		}
		if (relu) for (int i = 0; i < n; i++) layerMap[i] = Math.max(0, layerMap[i]);
		final float[] imageMap = request.isVolume()
			? Upsampling.trilinear(layerMap, d, h, wd, request.depth(), request.height(), request.width())
			: Upsampling.bilinear(layerMap, h, wd, request.height(), request.width());

		final String layerName = net.layerNames().get(chosen);
		final Map<String, String> params = new LinkedHashMap<>();
		params.put("layer", layerName);
		params.put("relu", Boolean.toString(relu));
		params.putAll(variantParameters());
		final Map<String, String> results = new LinkedHashMap<>();
		results.put("layer_shape", request.isVolume() ? String.format(Locale.ROOT, "%dx%dx%dx%d (channels x depth x height x width)", c, d, h, wd)
			: String.format(Locale.ROOT, "%dx%dx%d (channels x height x width)", c, h, wd));
		results.putAll(variantResults(a));
		// for the benchmark: the pass to the layer and on (with backward when the variant needs gradients), which gives the
		// target, plus a target pass when the request made one
		results.put("forward_passes", Integer.toString((a.scoresFromThisPass() ? 1 : 2) + extraForwardPasses(a)));
		results.put("backward_passes", usesGradients() ? "1" : "0");
		final String className = request.className(target);
		final Attribution atImage = new Attribution(request.mapOf(imageMap, 1), name(), target,
			className, a.score(), a.logits(), !relu, params, results, null);
		final Attribution atLayer = new Attribution(d > 1 ? ArrayImgs.floats(layerMap, wd, h, d) : ArrayImgs.floats(layerMap, wd, h), name(),
			target, className, a.score(),
			a.logits(), !relu, params, results, null);
		return new Maps(atImage, atLayer, layerName);
	}

	/** The map upsampled to the image's size (raw values). */
	@Override
	public Attribution explain(final ExplainRequest request) {
		return compute(request).atImage();
	}

	/**
	 * The map at the image's size as a row-major array [H * W], for methods that build on a CAM (e.g.
	 * Guided Grad-CAM multiplies Grad-CAM's map with guided backpropagation).
	 */
	public float[] imageMap(final ExplainRequest request) {
		return compute(request).imageMap();
	}

	/** A class activation map at the image's size and at the layer's own resolution. */
	public static final class Maps {

		private final Attribution atImage;
		private final Attribution atLayer;
		private final String layer;

		Maps(final Attribution atImage, final Attribution atLayer, final String layer) {
			this.atImage = atImage;
			this.atLayer = atLayer;
			this.layer = layer;
		}

		/** The map upsampled to the image's width and height, [X, Y]. */
		public Attribution atImage() { return atImage; }

		/** The map at the layer's own resolution, [w, h]. */
		public Attribution atLayer() { return atLayer; }

		/** The map at the image's size as a row-major array [H * W] (e.g. to combine with guided backpropagation). */
		public float[] imageMap() {
			return ImagePlusAdapter.toChw(atImage.map());
		}

		/** The stage the user chose (or the default). */
		public String layer() { return layer; }
	}
}
