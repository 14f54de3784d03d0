package io.github.explainij.method.cam;

import io.github.explainij.method.ExplainRequest;

/**
 * Grad-CAM (Selvaraju et al. 2017), exactly Captum's {@code LayerGradCam} at the layer's output: the
 * weight of channel c is the spatial mean of d score / d A_c, the map {@code sum_c w_c A_c}, rectified
 * when {@code relu} (Captum's {@code relu_attributions}); then upsampled bilinearly to the image.
 * The score is the request's (logit or probability).
 */
public final class GradCam extends ClassActivationMap {

	public static final String NAME = "Grad-CAM";

	public GradCam(final String layer, final boolean relu) {
		super(layer, relu);
	}

	@Override
	public String name() {
		return NAME;
	}

	@Override
	protected float[] weights(final LayerActivations a, final ExplainRequest request, final int target) {
		final int c = a.channels(), n = a.positions();
		final float[] g = a.gradients();
		final float[] w = new float[c];
		for (int k = 0; k < c; k++) {
			double s = 0;
			for (int i = 0; i < n; i++) s += g[k * n + i];
			w[k] = (float) (s / n);
		}
		return w;
	}

	@Override
	public boolean supportsVolumes() {
		return true;
	}
}
