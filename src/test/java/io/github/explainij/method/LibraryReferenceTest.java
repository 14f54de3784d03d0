package io.github.explainij.method;

import static io.github.explainij.TestData.assertRelativeClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.github.explainij.image.ImagePlusAdapter;
import io.github.explainij.method.LibraryFixture.Entry;
import io.github.explainij.method.cam.GradCam;
import io.github.explainij.method.cam.GradCamPlusPlus;
import io.github.explainij.method.cam.GuidedGradCam;
import io.github.explainij.method.cam.LayerCam;
import io.github.explainij.method.cam.ScoreCam;
import io.github.explainij.method.gradient.GradientXInput;
import io.github.explainij.method.gradient.IntegratedGradients;
import io.github.explainij.method.gradient.Integration;
import io.github.explainij.method.gradient.InteriorGradients;
import io.github.explainij.method.gradient.SmoothGrad;
import io.github.explainij.method.perturbation.Fill;
import io.github.explainij.method.perturbation.OcclusionSensitivity;
import io.github.explainij.method.relevance.Deconvnet;
import io.github.explainij.method.relevance.DeepLift;
import io.github.explainij.method.relevance.GuidedBackprop;
import io.github.explainij.method.relevance.Lrp;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Explain-IJ against the REAL libraries: Captum 0.7.0, Zennit 0.5.1 and pytorch-grad-cam 1.5.0, called by
 * src/test/python/make_library_fixtures.py on the shipped models (cells-gap, cells-bn, cells-shortcut) and the 3-channel
 * tiny-rgb, with every normalization type, logit and probability scores, and a fixed-size model fed a 50x72 image.
 * The plain-PyTorch re-implementations of the same definitions (the other reference tests) stay as a second check.
 * <p>
 * Two differences from the libraries' defaults are documented in the README and tested here by their measured size:
 * stock Captum {@code DeepLift} on conv-ReLU-MaxPool networks, and Zennit's {@code ZPlus} / {@code AlphaBeta} with their
 * default {@code zero_params=None}.
 */
class LibraryReferenceTest {

	static final String[] CASES = { "gap_foci", "gap_mitotic_prob", "shortcut_mitotic", "bn_apoptotic", "bn_resized", "rgb_tiny" };

	/** As every deterministic reference test: max |diff| <= 1e-4 x max |reference|. */
	private static final double TOL = 1e-4;

	/**
	 * Explain-IJ's outputs by case, method and parameters: several entries (Captum's and Zennit's epsilon LRP, the
	 * stock and cloned DeepLift, Zennit's two z+ variants) compare with the same Explain-IJ map, computed once.
	 */
	private static final Map<String, float[]> OUTPUTS = new HashMap<>();

	/** Explain-IJ's output for a library entry, in the entry's layout ([C, H, W] per channel, or a [h, w] map). */
	static synchronized float[] explain(final LibraryFixture f, final Entry e) {
		return OUTPUTS.computeIfAbsent(f.name + " " + e.method + " " + e.params, k -> compute(e, f.request()));
	}

	private static float[] compute(final Entry e, final ExplainRequest r) {
		switch (e.method) {
			case "saliency": return chw(new SaliencyMap(e.flag("absolute"), true).explain(r));
			case "gradient-x-input": return chw(new GradientXInput(true).explain(r));
			case "smoothgrad":
				return chw(new SmoothGrad(e.integer("samples"), e.number("noise"), SmoothGrad.Variant.parse(e.text("variant")),
					SmoothGrad.Base.parse(e.text("base")), e.integer("seed"), e.flag("absolute"), 0, true).explain(r));
			case "integrated-gradients":
				return chw(new IntegratedGradients(e.integer("steps"), Integration.parse(e.text("integration")), e.text("baseline"), 1, 0, true)
					.explain(r));
			case "interior-gradients": return chw(new InteriorGradients(e.text("alphas"), e.flag("absolute"), 0).explain(r));
			case "occlusion":
				return chw(new OcclusionSensitivity(e.integer("window"), e.integer("stride"), Fill.parse(e.text("fill"), 0, false), 0).explain(r));
			case "guided-backprop": return chw(new GuidedBackprop(true).explain(r));
			case "deconvnet": return chw(new Deconvnet(true).explain(r));
			case "deeplift": return chw(new DeepLift(e.text("baseline"), true).explain(r));
			case "lrp":
				return chw(new Lrp(e.text("rule"), e.number("epsilon"), e.params.has("alpha") ? e.number("alpha") : 2,
					e.params.has("beta") ? e.number("beta") : 1, true).explain(r));
			case "grad-cam": {
				final var maps = new GradCam(e.text("layer"), true).compute(r);
				return e.text("at").equals("layer") ? chw(maps.atLayer()) : maps.imageMap();
			}
			case "grad-cam-pp": return chw(new GradCamPlusPlus(e.text("layer"), true).compute(r).atLayer());
			case "layer-cam": return chw(new LayerCam(e.text("layer"), true).compute(r).atLayer());
			case "score-cam": return chw(new ScoreCam(e.text("layer"), true, 0).compute(r).atLayer());
			case "guided-grad-cam": return chw(new GuidedGradCam(e.text("layer"), e.text("upsample"), true).explain(r));
			default: throw new IllegalArgumentException("no Explain-IJ method for " + e);
		}
	}

	private static float[] chw(final Attribution a) {
		return ImagePlusAdapter.toChw(a.map());
	}

	/** max |a - ref| / max |ref|, the measure the README quotes for the documented differences. */
	static double relativeDifference(final float[] a, final float[] ref) {
		assertEquals(ref.length, a.length);
		double diff = 0, max = 0;
		for (int i = 0; i < a.length; i++) {
			diff = Math.max(diff, Math.abs((double) a[i] - ref[i]));
			max = Math.max(max, Math.abs(ref[i]));
		}
		return diff / max;
	}

	private static double sum(final float[] v) {
		double s = 0;
		for (final float x : v) s += x;
		return s;
	}

	private static int size(final int[] shape) {
		int n = 1;
		for (final int s : shape) n *= s;
		return n;
	}

	@TestFactory
	Stream<DynamicTest> explainIjEqualsTheLibraries() {
		final List<DynamicTest> tests = new ArrayList<>();
		for (final String name : CASES) {
			final LibraryFixture f = LibraryFixture.load(name);
			for (final Entry e : f.entries) {
				if (!e.equal) continue;
				tests.add(dynamicTest(name + ": " + e.library + " " + e.call, () -> {
					final float[] actual = explain(f, e);
					assertEquals(size(e.shape), actual.length, name + " " + e + ": size");
					assertRelativeClose(e.values, actual, TOL, name + " " + e);
				}));
			}
		}
		return tests.stream();
	}

	/** Every method with a counterpart in the libraries is covered, with every LRP rule through Zennit. */
	@Test
	void everyLibraryMethodIsCovered() {
		final Set<String> covered = new TreeSet<>();
		for (final String name : CASES) {
			for (final Entry e : LibraryFixture.load(name).entries) {
				if (!e.equal) continue;
				covered.add(e.library + ":" + e.method + (e.method.equals("lrp") ? ":" + e.text("rule") : ""));
				if (e.method.equals("smoothgrad")) covered.add(e.library + ":smoothgrad:" + e.text("variant") + ":" + e.text("base"));
			}
		}
		for (final String m : new String[] { "captum:saliency", "captum:gradient-x-input", "captum:smoothgrad:smoothgrad:saliency",
			"captum:smoothgrad:smoothgrad_sq:saliency", "captum:smoothgrad:vargrad:saliency", "captum:smoothgrad:smoothgrad:gradient-x-input",
			"captum:integrated-gradients", "captum:interior-gradients", "captum:guided-backprop", "captum:deconvnet", "captum:lrp:epsilon", "captum:deeplift",
			"captum:grad-cam", "captum:guided-grad-cam", "captum:occlusion", "zennit:lrp:epsilon", "zennit:lrp:zplus",
			"zennit:lrp:alphabeta", "zennit:lrp:composite", "pytorch-grad-cam:grad-cam-pp", "pytorch-grad-cam:score-cam",
			"pytorch-grad-cam:layer-cam" })
		{
			assertTrue(covered.contains(m), m + " has no library reference; covered: " + covered);
		}
	}

	/**
	 * Stock Captum {@code DeepLift} differs from Explain-IJ on conv-ReLU-MaxPool networks: Captum's ReLU hook reads the
	 * gradient on the ReLU's output tensor, which is also the max-pooling's input tensor, before the max-pooling hook
	 * has replaced it by the max-pooling rule's multipliers (the ReLU sees the ordinary max-pool gradient). With a
	 * {@code Clone()} after every ReLU the two hooks see different tensors, and Captum equals Explain-IJ (measured: within
	 * 2e-6 of the largest value; within 5e-7 of the plain re-implementation). Only then do Captum's attributions sum to
	 * score(x) - score(baseline). src/test/python/make_library_fixtures.py --diagnose shows the two gradients the ReLU
	 * rule receives.
	 */
	@Test
	void stockCaptumDeepLiftDiffersByTheMeasuredAmountAndBreaksSummationToDelta() {
		int differing = 0;
		double smallest = Double.POSITIVE_INFINITY, largest = 0;
		for (final String name : CASES) {
			final LibraryFixture f = LibraryFixture.load(name);
			for (final Entry stock : f.entries) {
				if (!stock.method.equals("deeplift") || !stock.call.startsWith("DeepLift(model)")) continue;
				final Entry cloned = f.entries.stream().filter(e -> e.method.equals("deeplift") && e.call.contains("Clone()")
					&& e.text("baseline").equals(stock.text("baseline"))).findFirst().orElseThrow();
				final String what = name + " baseline " + stock.text("baseline");
				final float[] map = explain(f, stock);
				final double d = relativeDifference(stock.values, map);
				final double diff = cloned.results.get("score_difference");
				// Explain-IJ and cloned-ReLU Captum: summation to delta holds to float rounding
				assertTrue(Math.abs(sum(map) - diff) <= 1e-5 * Math.abs(diff), what + ": Explain-IJ sums to " + sum(map) + ", not " + diff);
				assertTrue(Math.abs(sum(cloned.values) - diff) <= 1e-5 * Math.abs(diff), what + ": cloned Captum sum " + sum(cloned.values));
				// measured: at most 1.6e-6 of the largest value (float32 rounding in two implementations)
				assertTrue(relativeDifference(cloned.values, map) < 1e-5, what + ": cloned Captum " + relativeDifference(cloned.values, map));
				if (!stock.equal) {
					differing++;
					smallest = Math.min(smallest, d);
					largest = Math.max(largest, d);
					assertEquals(stock.results.get("relative_difference"), d, 1e-3, what + ": measured difference");
					assertTrue(d > 5e-3, what + ": stock Captum is only " + d + " from Explain-IJ");
					// stock Captum's attributions do not add up to the score difference (Captum's own convergence delta)
					final double gap = Math.abs(sum(stock.values) - diff);
					assertTrue(gap > 5e-4 * Math.abs(diff), what + ": stock Captum's sum misses the score difference by only " + gap);
				}
				else {
					// tiny-rgb with a zero baseline: the max-pool rule's multipliers equal the ordinary gradient there
					assertTrue(d < 1e-4, what + " " + d);
				}
			}
		}
		assertEquals(8, differing);
		// the range the README quotes (max |stock - Explain-IJ| / max |Explain-IJ|)
		assertEquals(0.007, smallest, 0.001);
		assertEquals(0.49, largest, 0.01);
	}

	/**
	 * Explain-IJ's z+ and alpha-beta ignore biases; Zennit's {@code ZPlus} / {@code AlphaBeta} equal them only with
	 * {@code zero_params='bias'} (the "equal" entries): with the default {@code zero_params=None} Zennit keeps the bias
	 * (for z+ its positive part) in the denominators.
	 */
	@Test
	void zennitDefaultZPlusAndAlphaBetaKeepTheBias() {
		double smallest = Double.POSITIVE_INFINITY, largest = 0, smallestAb = Double.POSITIVE_INFINITY, largestAb = 0;
		int checked = 0;
		for (final String name : CASES) {
			final LibraryFixture f = LibraryFixture.load(name);
			for (final Entry e : f.entries) {
				if (!e.library.equals("zennit") || e.equal) continue;
				assertTrue(e.call.contains("zero_params=None"), e.call);
				final double d = relativeDifference(e.values, explain(f, e));
				assertEquals(e.results.get("relative_difference"), d, 1e-3, name + " " + e.text("rule"));
				assertTrue(d > 5e-3, name + " " + e.text("rule") + " " + d);
				if (e.text("rule").equals("zplus")) {
					smallest = Math.min(smallest, d);
					largest = Math.max(largest, d);
				}
				else {
					smallestAb = Math.min(smallestAb, d);
					largestAb = Math.max(largestAb, d);
				}
				checked++;
			}
		}
		assertEquals(10, checked);
		// the ranges the README quotes (max |Zennit default - Explain-IJ| / max |Explain-IJ|)
		assertEquals(0.005, smallest, 0.001);
		assertEquals(0.97, largest, 0.01);
		assertEquals(0.11, smallestAb, 0.01);
		assertEquals(1.02, largestAb, 0.01);
	}
}
