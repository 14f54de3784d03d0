package io.github.explainij.method.gradient;

import static io.github.explainij.TestData.assertRelativeClose;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.explainij.TestData;
import io.github.explainij.image.ImagePlusAdapter;
import io.github.explainij.method.Attribution;
import io.github.explainij.method.Baselines;
import io.github.explainij.method.ExplainRequest;
import io.github.explainij.method.SaliencyMap;
import io.github.explainij.method.gradient.SmoothGrad.Base;
import io.github.explainij.method.gradient.SmoothGrad.Variant;
import io.github.explainij.target.ScoreKind;
import io.github.explainij.target.TargetSpec;

import org.junit.jupiter.api.Test;

/**
 * SmoothGrad as a wrapper of any method (Captum's NoiseTunnel): wrapping the Saliency Map gives exactly
 * the batched gradient SmoothGrad (same noise, same seed), and wrapping Integrated Gradients averages IG
 * over the very noisy copies that SmoothGrad draws.
 */
class NoiseTunnelTest {

	private static ExplainRequest request(final ScoreKind kind) {
		return new ExplainRequest(TestData.network(TestData.model("cells-gap")),
			ImagePlusAdapter.currentPlanes(TestData.openSample("cells", "mitotic_003")), TargetSpec.predicted(), kind);
	}

	private static float[] chw(final Attribution a) {
		return ImagePlusAdapter.toChw(a.map());
	}

	@Test
	void wrappingTheSaliencyMapEqualsTheBatchedSmoothGrad() {
		for (final Variant v : Variant.values()) {
			final ExplainRequest r = request(ScoreKind.LOGIT);
			final Attribution batched = new SmoothGrad(6, 0.2, v, Base.SALIENCY, 11, false, 0, true).explain(r);
			final Attribution wrapped = new SmoothGrad(6, 0.2, v, new SaliencyMap(false, true), "saliency", 11, false).explain(r);
			assertRelativeClose(chw(batched), chw(wrapped), 1e-6, v.key());
			assertEquals(batched.results().get("noise_std"), wrapped.results().get("noise_std"));
			assertEquals("saliency", wrapped.parameters().get("base"));
		}
	}

	@Test
	void wrappingIntegratedGradientsAveragesIgOverTheSameNoisyCopies() {
		final ExplainRequest r = request(ScoreKind.LOGIT);
		final IntegratedGradients ig = new IntegratedGradients(8, Integration.GAUSS_LEGENDRE, Baselines.ZERO, 1, 0, false);
		final Attribution wrapped = new SmoothGrad(3, 0.15, Variant.SMOOTHGRAD, ig, "integrated-gradients", 5, false).explain(r);
		final float[] x = r.pixels();
		final GaussianNoise noise = new GaussianNoise(5, GaussianNoise.sigma(x, 0.15));
		final float[] noisy = new float[x.length], mean = new float[x.length];
		for (int s = 0; s < 3; s++) {
			noise.next(x, noisy, 0);
			final float[] a = chw(ig.explain(r.withPixels(noisy, r.progress())));
			for (int j = 0; j < mean.length; j++) mean[j] += a[j] / 3;
		}
		assertRelativeClose(mean, chw(wrapped), 1e-5, "NoiseTunnel(IG)");
		assertEquals("8", wrapped.parameters().get("base.steps"));
		assertEquals(Integer.toString(r.targetClass()), Integer.toString(wrapped.targetClass()));
	}
}
