package io.github.explainij.method.cam;

import io.github.explainij.method.ExplainRequest;

/**
 * Grad-CAM++ (Chattopadhay et al. 2018), as pytorch-grad-cam's {@code GradCAMPlusPlus}: with g = d
 * score / d A, {@code a = g^2 / (2 g^2 + sum_xy(A_c) g^3 + 1e-6)} where g != 0 (else 0), and
 * {@code w_c = sum_xy a * relu(g)}. Like pytorch-grad-cam it uses the gradients of the score itself
 * (not of exp(score) as in the paper's derivation).
 */
public final class GradCamPlusPlus extends ClassActivationMap {

	public static final String NAME = "Grad-CAM++";

	/** pytorch-grad-cam's eps in the denominator. */
	static final float EPS = 1e-6f;

	public GradCamPlusPlus(final String layer, final boolean relu) {
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
		final float[] act = a.activations();
		final float[] w = new float[c];
		for (int k = 0; k < c; k++) {
			double sumA = 0;
			for (int i = 0; i < n; i++) sumA += act[k * n + i];
			double s = 0;
			for (int i = 0; i < n; i++) {
				final double gi = g[k * n + i];
				if (gi == 0) continue;
				final double g2 = gi * gi, g3 = g2 * gi;
				final double alpha = g2 / (2 * g2 + sumA * g3 + EPS);
				s += alpha * Math.max(0, gi);
			}
			w[k] = (float) s;
		}
		return w;
	}

	@Override
	public boolean supportsVolumes() {
		return true;
	}
}
