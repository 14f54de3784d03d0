package io.github.explainij.method.gradient;

import static io.github.explainij.TestData.assertRelativeClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;

import io.github.explainij.image.ImagePlusAdapter;
import io.github.explainij.method.Attribution;
import io.github.explainij.method.ExplainRequest;
import io.github.explainij.method.gradient.SmoothGrad.Base;
import io.github.explainij.method.gradient.SmoothGrad.Variant;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The gradient family against PyTorch autograd with Captum's definitions re-implemented in
 * src/test/python/make_gradient_fixtures.py: mean-std and percentile normalization, the bilinear resize
 * of a fixed-size model (50x72 image on a 64x64 model), RGB input, logit and probability scores.
 * Tolerance 1e-4 relative to the largest reference value, as for every deterministic method.
 */
class GradientReferenceTest {

	private static final double TOL = 1e-4;

	private static float[] chw(final Attribution a) {
		return ImagePlusAdapter.toChw(a.map());
	}

	// ---------------------------------------------------------------- Gradient x Input

	@ParameterizedTest
	@ValueSource(strings = { "gxi_gap_foci_logit", "gxi_bn_resized_prob", "gxi_rgb_tiny_logit" })
	void gradientXInputIsCaptumsInputXGradient(final String name) {
		final GradientFixture f = GradientFixture.load(name);
		final ExplainRequest r = f.request();
		final float[] expected = f.floats("attribution");
		final Attribution perChannel = new GradientXInput(true).explain(r);
		assertArrayEquals(new long[] { f.width, f.height, f.channels }, perChannel.map().dimensionsAsLongArray());
		assertRelativeClose(expected, chw(perChannel), TOL, name + " per channel");
		final Attribution summed = new GradientXInput(false).explain(r);
		assertEquals(2, summed.map().numDimensions());
		assertRelativeClose(f.sumChannels(expected), chw(summed), TOL, name + " channel sum");
		assertTrue(summed.signed());
		assertEquals(f.target, summed.targetClass());
	}

	// ---------------------------------------------------------------- Integrated Gradients

	@ParameterizedTest
	@ValueSource(strings = { "ig_gap_foci_zero_gl_logit", "ig_gap_mitotic_mean_trap_prob", "ig_bn_apoptotic_mean_gl_logit",
		"ig_bn_resized_zero_left_prob", "ig_bn_resized_mean_right_logit", "ig_rgb_tiny_zero_middle_logit" })
	void integratedGradientsIsCaptums(final String name) {
		final GradientFixture f = GradientFixture.load(name);
		final ExplainRequest r = f.request();
		final Integration integration = Integration.parse(f.json.get("integration").getAsString());
		final int steps = f.json.get("steps").getAsInt();
		final String baseline = f.json.get("baseline").getAsString();
		final float[] expected = f.floats("attribution");

		final Attribution perChannel = new IntegratedGradients(steps, integration, baseline, 1, 0, true).explain(r);
		assertRelativeClose(expected, chw(perChannel), TOL, name + " per channel");
		final Attribution a = new IntegratedGradients(steps, integration, baseline, 1, 0, false).explain(r);
		assertRelativeClose(f.sumChannels(expected), chw(a), TOL, name + " channel sum");
		assertTrue(a.signed());

		// completeness numbers, as Captum's convergence delta
		final double sx = f.number("score_value"), sb = f.number("baseline_score"), sum = f.number("sum_of_attributions");
		final Map<String, String> res = a.results();
		final double scale = Math.max(Math.abs(sx - sb), Math.abs(sum));
		assertEquals(sx, a.score(), 1e-5 * Math.max(1, Math.abs(sx)), name + " score");
		assertEquals(sb, Double.parseDouble(res.get("baseline_score")), 1e-5 * Math.max(1, Math.abs(sb)), name + " baseline score");
		assertEquals(sx - sb, Double.parseDouble(res.get("score_difference")), 1e-4 * scale, name + " score difference");
		assertEquals(sum, Double.parseDouble(res.get("sum_of_attributions")), 1e-4 * scale, name + " sum");
		assertEquals(sum - (sx - sb), Double.parseDouble(res.get("completeness_gap")), 2e-4 * scale, name + " gap");
	}

	/** Captum's points and weights (numpy's leggauss, linspace) to 1e-12. */
	@Test
	void quadratureRulesAreCaptums() {
		final JsonObject q = GradientFixture.json("quadrature");
		int checked = 0;
		for (final String key : q.keySet()) {
			final int cut = key.lastIndexOf('_');
			final Integration rule = Integration.parse(key.substring(0, cut));
			final int n = Integer.parseInt(key.substring(cut + 1));
			final double[] alphas = GradientFixture.doubles(q.getAsJsonObject(key).getAsJsonArray("alphas"));
			final double[] weights = GradientFixture.doubles(q.getAsJsonObject(key).getAsJsonArray("weights"));
			assertArrayEquals(alphas, rule.alphas(n), 1e-12, key + " alphas");
			assertArrayEquals(weights, rule.weights(n), 1e-12, key + " weights");
			checked++;
		}
		assertEquals(5 + 4 * 3, checked);
	}

	// ---------------------------------------------------------------- SmoothGrad

	/**
	 * The Python script draws the same noise as {@link GaussianNoise} (java.util.Random's specified
	 * algorithm, re-implemented there), computes each noisy copy's gradient with autograd and averages;
	 * every variant, with and without absolute values, for both base attributions.
	 */
	@ParameterizedTest
	@ValueSource(strings = { "sg_gap_foci_logit", "sg_gap_mitotic_prob", "sg_bn_resized_logit", "sg_rgb_tiny_logit" })
	void smoothGradIsCaptumsNoiseTunnel(final String name) {
		final GradientFixture f = GradientFixture.load(name);
		final ExplainRequest r = f.request();
		final int samples = f.json.get("samples").getAsInt();
		final double noise = f.number("noise");
		final long seed = f.json.get("seed").getAsLong();

		// the noise itself
		final GaussianNoise gen = new GaussianNoise(seed, GaussianNoise.sigma(r.pixels(), noise));
		assertEquals(f.number("noise_std"), gen.sigma(), 1e-9 * f.number("noise_std"));
		final float[] first = new float[r.pixels().length];
		gen.next(r.pixels(), first, 0);
		final float[] expectedFirst = f.floats("first_noisy_values");
		assertRelativeClose(expectedFirst, java.util.Arrays.copyOf(first, expectedFirst.length), 1e-6, name + " noise");

		final float[] g = f.floats("mean_g"), absG = f.floats("mean_abs_g"), g2 = f.floats("mean_g2");
		final float[] gx = f.floats("mean_gx");
		final float[] varG = f.floats("var_g"), varAbsG = f.floats("var_abs_g"), varGx = f.floats("var_gx");
		check(f, r, Variant.SMOOTHGRAD, Base.SALIENCY, false, g, name);
		check(f, r, Variant.SMOOTHGRAD, Base.SALIENCY, true, absG, name);
		check(f, r, Variant.SMOOTHGRAD_SQ, Base.SALIENCY, false, g2, name);
		check(f, r, Variant.VARGRAD, Base.SALIENCY, false, varG, name);
		check(f, r, Variant.VARGRAD, Base.SALIENCY, true, varAbsG, name);
		check(f, r, Variant.SMOOTHGRAD, Base.GRADIENT_X_INPUT, false, gx, name);
		check(f, r, Variant.VARGRAD, Base.GRADIENT_X_INPUT, false, varGx, name);

		// the reduced map: signed smoothgrad is summed over channels, non-negative maps take the channel max
		final Attribution summed = new SmoothGrad(samples, noise, Variant.SMOOTHGRAD, Base.SALIENCY, seed, false, 0, false).explain(r);
		assertTrue(summed.signed());
		assertRelativeClose(f.sumChannels(g), chw(summed), TOL, name + " smoothgrad channel sum");
		final Attribution sq = new SmoothGrad(samples, noise, Variant.SMOOTHGRAD_SQ, Base.SALIENCY, seed, false, 0, false).explain(r);
		assertTrue(!sq.signed());
		assertRelativeClose(f.maxAbsChannels(g2), chw(sq), TOL, name + " smoothgrad_sq channel max");
		assertEquals(GaussianNoise.sigma(r.pixels(), noise), Double.parseDouble(sq.results().get("noise_std")), 1e-5 * gen.sigma());
	}

	private static void check(final GradientFixture f, final ExplainRequest r, final Variant v, final Base base, final boolean absolute,
		final float[] expected, final String name)
	{
		final Attribution a = new SmoothGrad(f.json.get("samples").getAsInt(), f.number("noise"), v, base, f.json.get("seed").getAsLong(),
			absolute, 0, true).explain(r);
		assertRelativeClose(expected, chw(a), TOL, name + " " + v.key() + " " + base.key() + (absolute ? " abs" : ""));
	}

	// ---------------------------------------------------------------- Interior gradients

	@ParameterizedTest
	@ValueSource(strings = { "interior_gap_foci_logit", "interior_bn_resized_prob", "interior_rgb_tiny_logit" })
	void interiorGradientsAreGradientsAtScaledImages(final String name) {
		final GradientFixture f = GradientFixture.load(name);
		final ExplainRequest r = f.request();
		final double[] alphas = GradientFixture.doubles(f.json.getAsJsonArray("alphas"));
		final StringBuilder text = new StringBuilder();
		for (final double a : alphas) text.append(text.length() == 0 ? "" : ",").append(a);
		final float[] grads = f.floats("gradients");
		final int size = f.channels * f.height * f.width, n = f.height * f.width;
		final Attribution signed = new InteriorGradients(text.toString(), false, 0).explain(r);
		final Attribution abs = new InteriorGradients(text.toString(), true, 0).explain(r);
		assertArrayEquals(new long[] { f.width, f.height, alphas.length }, signed.map().dimensionsAsLongArray());
		final float[] s = chw(signed), m = chw(abs);
		for (int i = 0; i < alphas.length; i++) {
			final float[] g = java.util.Arrays.copyOfRange(grads, i * size, (i + 1) * size);
			assertRelativeClose(f.sumChannels(g), java.util.Arrays.copyOfRange(s, i * n, (i + 1) * n), TOL, name + " alpha " + alphas[i]);
			assertRelativeClose(f.maxAbsChannels(g), java.util.Arrays.copyOfRange(m, i * n, (i + 1) * n), TOL,
				name + " |grad| alpha " + alphas[i]);
		}
		final float[] scores = f.floats("scores");
		final String[] recorded = signed.results().get("scores_along_alphas").split(",");
		for (int i = 0; i < alphas.length; i++) {
			assertEquals(scores[i], Double.parseDouble(recorded[i]), 1e-5 * Math.max(1, Math.abs(scores[i])), name + " score " + i);
		}
		assertEquals("alpha " + Alphas.label(new java.math.BigDecimal(Double.toString(alphas[1]))), signed.sliceLabels().get(1));
	}
}
