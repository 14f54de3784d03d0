package io.github.explainij.method.relevance;

import static io.github.explainij.TestData.assertRelativeClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.explainij.TestData;
import io.github.explainij.image.ImagePlusAdapter;
import io.github.explainij.method.Attribution;
import io.github.explainij.method.ExplainRequest;
import io.github.explainij.target.ScoreKind;
import io.github.explainij.target.TargetSpec;

import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Guided backpropagation, deconvnet, LRP (every rule) and DeepLIFT against independent PyTorch
 * references (src/test/python/make_relevance_fixtures.py: Captum's hook definitions on the rebuilt
 * modules, a layer-by-layer LRP, Captum's batched DeepLift with its rules as module hooks, which is Captum
 * with a Clone() after each ReLU; stock Captum differs, see LibraryReferenceTest): cells-gap (meanstd), cells-bn
 * (BatchNorm, Dropout, percentile, fixed size, also fed a 50x72 image through the resize), tiny-rgb (3 channels)
 * a bias-free net, and a net with a Tanh stage (kind "other", which guided backpropagation and deconvnet
 * pass with its ordinary gradient, as Captum's hooks touch only ReLUs). The same methods against the real
 * Captum and Zennit: {@link io.github.explainij.method.LibraryReferenceTest}.
 */
class RelevanceReferenceTest {

	static Attribution run(final String key, final ExplainRequest request, final boolean perChannel) {
		if (key.equals("guided")) return new GuidedBackprop(perChannel).explain(request);
		if (key.equals("deconvnet")) return new Deconvnet(perChannel).explain(request);
		if (key.startsWith("lrp_")) return new Lrp(key.substring(4), 1e-6, 2, 1, perChannel).explain(request);
		if (key.startsWith("deeplift_")) return new DeepLift(key.substring(9), perChannel).explain(request);
		throw new IllegalArgumentException(key);
	}

	@ParameterizedTest
	@ValueSource(strings = { "gap_foci", "bn_apoptotic", "bn_resized", "rgb_tiny", "biasfree_mitotic", "other_stage" })
	void matchesPyTorchReferences(final String name) {
		final RelevanceFixture f = RelevanceFixture.load(name);
		final ExplainRequest request = new ExplainRequest(TestData.network(f.model), f.image, TargetSpec.index(f.target), ScoreKind.LOGIT);
		final int c = f.shape[0], n = f.shape[1] * f.shape[2];
		for (final Map.Entry<String, float[]> e : f.maps.entrySet()) {
			final String what = name + " " + e.getKey();
			final Attribution perChannel = run(e.getKey(), request, true);
			assertArrayEquals(new long[] { f.shape[2], f.shape[1], f.shape[0] }, perChannel.map().dimensionsAsLongArray(), what);
			assertRelativeClose(e.getValue(), ImagePlusAdapter.toChw(perChannel.map()), 1e-4, what);
			assertTrue(perChannel.signed());
			assertEquals(f.target, perChannel.targetClass());
			// Dropout (cells-bn) is the identity in eval mode: no stage needs its ordinary gradient noted
			assertEquals(name.equals("other_stage"), perChannel.results().containsKey("ordinary_gradient_stages"), what);
			// the default map: signed sum over channels
			final float[] sum = new float[n];
			for (int k = 0; k < c; k++) for (int i = 0; i < n; i++) sum[i] += e.getValue()[k * n + i];
			final Attribution summed = run(e.getKey(), request, false);
			assertEquals(2, summed.map().numDimensions());
			assertRelativeClose(sum, ImagePlusAdapter.toChw(summed.map()), 1e-4, what + " summed");
			if (e.getKey().startsWith("deeplift_")) {
				// summation to delta: attributions add up to score(x) - score(baseline)
				final double diff = f.results.get("logit") - f.results.get(e.getKey() + "_baseline_score");
				assertEquals(diff, Double.parseDouble(summed.results().get("score_difference")), 1e-4 * Math.abs(diff) + 1e-6, what);
				assertEquals(f.results.get(e.getKey() + "_sum"), Double.parseDouble(summed.results().get("sum_of_attributions")),
					1e-3 * Math.abs(diff) + 1e-6, what);
				assertTrue(Math.abs(Double.parseDouble(summed.results().get("delta"))) <= 1e-3 * Math.abs(diff) + 1e-6,
					what + " delta " + summed.results().get("delta"));
			}
			if (e.getKey().startsWith("lrp_")) {
				final double ref = f.results.get(e.getKey() + "_sum");
				assertEquals(ref, Double.parseDouble(summed.results().get("relevance_sum")), 1e-3 * Math.abs(ref) + 1e-4 * Math.abs(f.results.get("logit")),
					what + " relevance sum");
			}
		}
	}
}
