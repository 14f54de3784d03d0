package io.github.explainij.method;

import static io.github.explainij.TestData.assertRelativeClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.explainij.TestData;
import io.github.explainij.TestData.Fixture;
import io.github.explainij.image.ImagePlusAdapter;
import io.github.explainij.model.Network;
import io.github.explainij.target.ScoreKind;
import io.github.explainij.target.TargetSpec;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Saliency against PyTorch autograd on the shipped TorchScript files (src/test/python/make_fixtures.py):
 * every normalization type, a fixed-size model fed a differently sized image (gradient through the
 * bilinear resize), an any-size model, RGB input, logit and probability scores.
 */
class SaliencyReferenceTest {

	@ParameterizedTest
	@ValueSource(strings = { "gap_foci_logit.json", "gap_mitotic_prob.json", "bn_apoptotic_logit.json", "bn_resized_logit.json",
		"gap_anysize_logit.json", "rgb_tiny_logit.json", "shortcut_mitotic_logit.json" })
	void matchesAutograd(final String name) {
		final Fixture f = Fixture.load(name);
		final Network net = TestData.network(f.model);
		final ExplainRequest request = new ExplainRequest(net, f.image, TargetSpec.index(f.target), ScoreKind.parse(f.score));

		// eval-mode logits equal PyTorch's to 1e-5 relative
		assertRelativeClose(f.logits, request.logits(), 1e-5, name + " logits");
		assertEquals(f.predicted, TargetSpec.argmax(request.logits()), name + " predicted class");

		// signed, per channel: the raw gradient d score / d pixel
		final Attribution raw = new SaliencyMap(false, true).explain(request);
		assertArrayEquals(new long[] { f.gradientShape[2], f.gradientShape[1], f.gradientShape[0] }, raw.map().dimensionsAsLongArray());
		assertRelativeClose(f.gradient, ImagePlusAdapter.toChw(raw.map()), 1e-4, name + " gradient");

		// default: |gradient|, max over channels (Simonyan)
		final int c = f.gradientShape[0], n = f.gradientShape[1] * f.gradientShape[2];
		final float[] expected = new float[n];
		final float[] signedSum = new float[n];
		for (int k = 0; k < c; k++) {
			for (int i = 0; i < n; i++) {
				expected[i] = Math.max(expected[i], Math.abs(f.gradient[k * n + i]));
				signedSum[i] += f.gradient[k * n + i];
			}
		}
		final Attribution saliency = new SaliencyMap(true, false).explain(request);
		assertEquals(2, saliency.map().numDimensions());
		assertRelativeClose(expected, ImagePlusAdapter.toChw(saliency.map()), 1e-4, name + " saliency");
		final Attribution signed = new SaliencyMap(false, false).explain(request);
		assertRelativeClose(signedSum, ImagePlusAdapter.toChw(signed.map()), 1e-4, name + " signed saliency");
		assertEquals(f.target, saliency.targetClass());
	}
}
