package io.github.explainij.method.cam;

import io.github.explainij.ExplainException;
import io.github.explainij.method.Attribution;
import io.github.explainij.method.AttributionMethod;
import io.github.explainij.method.ExplainRequest;
import io.github.explainij.method.relevance.GuidedBackprop;

import net.imglib2.img.array.ArrayImgs;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Guided Grad-CAM (Selvaraju et al. 2017): guided backpropagation's fine, class-agnostic detail,
 * gated by Grad-CAM's coarse, class-discriminative map. As Captum's GuidedGradCam, the attribution of
 * pixel p in channel c is {@code guided(c, p) * gradcam_up(p)}, where the Grad-CAM map (with ReLU) is
 * upsampled to the image size; {@code upsample = bilinear} (default, the project's Grad-CAM output)
 * or {@code nearest} (Captum's default {@code interpolate_mode}). Signed; summed over channels unless
 * per channel.
 */
public final class GuidedGradCam implements AttributionMethod {

	public static final String NAME = "Guided Grad-CAM";
	public static final String BILINEAR = "bilinear";
	public static final String NEAREST = "nearest";

	private final String layer;
	private final String upsample;
	private final boolean perChannel;

	public GuidedGradCam(final String layer, final String upsample, final boolean perChannel) {
		this.layer = layer == null ? "" : layer.strip();
		this.upsample = upsample == null ? BILINEAR : upsample.strip().toLowerCase();
		if (!this.upsample.equals(BILINEAR) && !this.upsample.equals(NEAREST)) {
			throw new ExplainException("upsample must be bilinear or nearest, not '" + upsample + "'");
		}
		this.perChannel = perChannel;
	}

	@Override
	public Attribution explain(final ExplainRequest request) {
		final ClassActivationMap.Maps cam = new GradCam(layer, true).compute(request);
		final int target = request.targetClass();
		final int w = request.width(), h = request.height(), n = w * h, c = request.channels();
		final float[] gate;
		if (upsample.equals(BILINEAR)) {
			gate = cam.imageMap();
		}
		else {
			final long lw = cam.atLayer().map().dimension(0), lh = cam.atLayer().map().dimension(1);
			gate = Upsampling.nearest(io.github.explainij.image.ImagePlusAdapter.toChw(cam.atLayer().map()), (int) lh, (int) lw, h, w);
		}
		final float[] guided = GuidedBackprop.guidedGradient(request);
		final float[] out = new float[perChannel ? c * n : n];
		for (int k = 0; k < c; k++) {
			for (int i = 0; i < n; i++) out[perChannel ? k * n + i : i] += guided[k * n + i] * gate[i];
		}
		final Map<String, String> params = new LinkedHashMap<>();
		params.put("layer", cam.layer());
		params.put("upsample", upsample);
		params.put("per_channel", Boolean.toString(perChannel));
		final Attribution gc = cam.atImage();
		return new Attribution(perChannel ? ArrayImgs.floats(out, w, h, c) : ArrayImgs.floats(out, w, h), NAME, target,
			gc.targetName(), gc.score(), gc.logits(), true, params, gc.results(), null)
				.withPasses(Long.parseLong(gc.results().get("forward_passes")) + 1, 2); // Grad-CAM's passes + guided backpropagation's
	}
}
