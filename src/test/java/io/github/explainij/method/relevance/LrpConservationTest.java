package io.github.explainij.method.relevance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.explainij.TestData;
import io.github.explainij.image.ImagePlusAdapter;
import io.github.explainij.method.Attribution;
import io.github.explainij.method.ExplainRequest;
import io.github.explainij.target.ScoreKind;
import io.github.explainij.target.TargetSpec;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * LRP conserves relevance: on a network without biases (src/test/resources/models/biasfree-cnn:
 * conv-relu-maxpool-conv-relu-gap-flatten-linear) the map sums to the explained logit, for the
 * epsilon, z+ and composite rules, up to what epsilon absorbs. (Alpha-beta conserves only where a unit
 * has both positive and negative contributions: a unit without negative ones passes alpha times its
 * relevance, Bach et al. 2015; it is checked against the reference instead.)
 */
class LrpConservationTest {

	@ParameterizedTest
	@ValueSource(strings = { "epsilon", "zplus", "composite" })
	void relevanceSumsToTheLogit(final String rule) {
		for (final String sample : new String[] { "foci_001", "interphase_004" }) {
			final ExplainRequest r = new ExplainRequest(TestData.network(TestData.testModel("biasfree-cnn")),
				ImagePlusAdapter.currentPlanes(TestData.openSample("cells", sample)), TargetSpec.predicted(), ScoreKind.LOGIT);
			final Attribution a = new Lrp(rule, 1e-6, 2, 1, false).explain(r);
			double sum = 0;
			for (final float v : ImagePlusAdapter.toChw(a.map())) sum += v;
			final float logit = a.score();
			assertTrue(Math.abs(logit) > 1e-3, "logit too small to test: " + logit);
			assertEquals(logit, sum, 1e-3 * Math.abs(logit), rule + " on " + sample + ": relevance sum vs logit");
			assertEquals(sum, Double.parseDouble(a.results().get("relevance_sum")), 1e-5 * Math.abs(logit));
		}
	}
}
