package io.github.explainij.method.cam;

import io.github.explainij.method.ExplainRequest;

/**
 * Layer-CAM (Jiang et al. 2021), as pytorch-grad-cam's {@code LayerCAM}: every element of A is weighed
 * by its own positive gradient, {@code cam = sum_c relu(d score / d A_c) * A_c}, so the map keeps the
 * layer's spatial detail (useful at early, high-resolution layers).
 */
public final class LayerCam extends ClassActivationMap {

	public static final String NAME = "Layer-CAM";

	public LayerCam(final String layer, final boolean relu) {
		super(layer, relu);
	}

	@Override
	public String name() {
		return NAME;
	}

	@Override
	protected float[] weights(final LayerActivations a, final ExplainRequest request, final int target) {
		final float[] g = a.gradients();
		final float[] w = new float[g.length];
		for (int i = 0; i < g.length; i++) w[i] = Math.max(0, g[i]);
		return w;
	}

	@Override
	public boolean supportsVolumes() {
		return true;
	}
}
