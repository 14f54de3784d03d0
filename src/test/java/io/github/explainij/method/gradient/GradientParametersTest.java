package io.github.explainij.method.gradient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.explainij.ExplainException;
import io.github.explainij.method.gradient.SmoothGrad.Base;
import io.github.explainij.method.gradient.SmoothGrad.Variant;

import java.math.BigDecimal;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Bad parameters are refused when the method is built, with a message that says what to give. */
class GradientParametersTest {

	private static String message(final Executable e) {
		return assertThrows(ExplainException.class, e).getMessage();
	}

	@Test
	void defaultAlphasAreTheClassicSweep() {
		final List<BigDecimal> a = Alphas.parse(Alphas.DEFAULT);
		assertEquals(50, a.size());
		assertEquals(new BigDecimal("0.02"), a.get(0));
		assertEquals(new BigDecimal("0.40"), a.get(19));
		assertEquals("0.4", Alphas.label(a.get(19)));
		assertEquals("1", Alphas.label(a.get(49)));
		assertEquals(List.of("0", "0.25", "0.5", "0.75", "1"),
			Alphas.parse(" 0, 0.25 ,..., 0.75, 1").stream().map(Alphas::label).toList());
		assertEquals(3, new InteriorGradients("0.1,0.5,1", false, 0).alphas().length);
	}

	@Test
	void badAlphas() {
		assertTrue(message(() -> Alphas.parse("")).contains("alphas is empty"));
		assertTrue(message(() -> Alphas.parse("0.1,abc")).contains("'abc' is not a number"));
		assertTrue(message(() -> Alphas.parse("0.5,1.5")).contains("1.5 is outside [0, 1]"));
		assertTrue(message(() -> Alphas.parse("0.1,...,1")).contains("'...' needs two numbers before it and one after it"));
		assertTrue(message(() -> Alphas.parse("0.1,0.2,...")).contains("'...' needs two numbers before it and one after it"));
		assertTrue(message(() -> Alphas.parse("0.1,0.3,...,0.8")).contains("0.8 is not reached in steps of 0.2"));
		assertTrue(message(() -> Alphas.parse("0.5,0.4,...,0.9")).contains("does not run towards 0.9"));
		assertTrue(message(() -> Alphas.parse("0,0.0001,...,1")).contains("more than 1000 values"));
		assertTrue(message(() -> new InteriorGradients("0.1", false, -1)).contains("batch_size must be 0 (automatic) or positive"));
	}

	@Test
	void badIntegratedGradientsParameters() {
		assertTrue(message(() -> new IntegratedGradients(1, Integration.RIEMANN_LEFT, "zero", 1, 0, false))
			.contains("steps must be between 2 and 10000 for riemann_left"));
		assertTrue(message(() -> new IntegratedGradients(0, Integration.GAUSS_LEGENDRE, "zero", 1, 0, false))
			.contains("steps must be between 1 and 10000"));
		assertTrue(message(() -> new IntegratedGradients(50, Integration.GAUSS_LEGENDRE, "grey", 1, 0, false))
			.contains("baseline must be zero, mean, blur or noise, not 'grey'"));
		assertTrue(message(() -> new IntegratedGradients(50, Integration.GAUSS_LEGENDRE, "zero", 1, -2, false))
			.contains("batch_size must be 0"));
		assertTrue(message(() -> Integration.parse("simpson")).contains("integration must be gausslegendre, riemann_left"));
		new IntegratedGradients(1, Integration.GAUSS_LEGENDRE, " Mean ", 1, 0, false); // one Gauss point is a valid rule
	}

	@Test
	void badSmoothGradParameters() {
		assertTrue(message(() -> new SmoothGrad(0, 0.1, Variant.SMOOTHGRAD, Base.SALIENCY, 1, false, 0, false))
			.contains("samples must be between 1 and 100000"));
		assertTrue(message(() -> new SmoothGrad(5, -0.1, Variant.SMOOTHGRAD, Base.SALIENCY, 1, false, 0, false))
			.contains("noise must be a fraction of the image's intensity range, 0 or more"));
		assertTrue(message(() -> new SmoothGrad(5, Double.NaN, Variant.SMOOTHGRAD, Base.SALIENCY, 1, false, 0, false)).contains("noise must be"));
		assertTrue(message(() -> Variant.parse("median")).contains("variant must be smoothgrad, smoothgrad_sq or vargrad, not 'median'"));
		assertTrue(message(() -> Base.parse("lrp")).contains("base must be saliency or gradient-x-input"));
		assertEquals(Variant.SMOOTHGRAD_SQ, Variant.parse("SmoothGrad_SQ"));
	}

	@Test
	void gaussianNoiseLevelIsAFractionOfTheRange() {
		assertEquals(0.15 * 90, GaussianNoise.sigma(new float[] { 10, 100, 40 }, 0.15), 1e-12);
		assertEquals(0, GaussianNoise.sigma(new float[] { 3, 3 }, 0.15), 0);
	}
}
