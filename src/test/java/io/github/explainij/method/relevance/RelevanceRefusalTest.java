package io.github.explainij.method.relevance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.explainij.ExplainException;
import io.github.explainij.TestData;
import io.github.explainij.image.ImagePlusAdapter;
import io.github.explainij.method.ExplainRequest;
import io.github.explainij.target.ScoreKind;
import io.github.explainij.target.TargetSpec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Bad parameters and models the methods cannot handle end in a message that says what to do. */
class RelevanceRefusalTest {

	private static String message(final Executable e) {
		return assertThrows(ExplainException.class, e).getMessage();
	}

	private static ExplainRequest request(final String model, final ScoreKind score) {
		final float[] x = new float[64];
		for (int i = 0; i < 64; i++) x[i] = i % 7;
		return new ExplainRequest(TestData.network(TestData.testModel(model)), ImagePlusAdapter.fromPlanes(new float[][] { x }, 8, 8),
			TargetSpec.index(1), score);
	}

	@Test
	void modelWithoutStagesIsRefused() {
		final ExplainRequest r = request("plain-linear", ScoreKind.LOGIT);
		for (final Executable e : new Executable[] { () -> new GuidedBackprop(false).explain(r), () -> new Deconvnet(false).explain(r),
			() -> new Lrp("epsilon", 1e-6, 2, 1, false).explain(r), () -> new DeepLift("zero", false).explain(r) })
		{
			final String why = message(e);
			assertTrue(why.contains("needs a model that exposes its stages") && why.contains("plain-linear.pt") &&
				why.contains("models/explainable.py"), why);
		}
	}

	@Test
	void badParameters() {
		assertTrue(message(() -> new Lrp("gamma", 1e-6, 2, 1, false)).contains("rule must be epsilon, zplus, alphabeta or composite"));
		assertTrue(message(() -> new Lrp("epsilon", 0, 2, 1, false)).contains("epsilon must be a small positive number"));
		assertTrue(message(() -> new Lrp("epsilon", Double.NaN, 2, 1, false)).contains("epsilon must be a small positive number"));
		assertTrue(message(() -> new Lrp("alphabeta", 1e-6, 3, 1, false)).contains("alpha - beta = 1"));
		assertTrue(message(() -> new Lrp("alphabeta", 1e-6, 0, -1, false)).contains("beta >= 0"));
		assertTrue(message(() -> new DeepLift("noise", false)).contains("baseline must be zero, mean or blur, not 'noise'"));
	}

	@Test
	void lrpAndDeepLiftExplainLogits() {
		final ExplainRequest r = request("linear-8x8", ScoreKind.PROBABILITY);
		assertTrue(message(() -> new Lrp("epsilon", 1e-6, 2, 1, false).explain(r)).contains("choose score=logit"));
		assertTrue(message(() -> new DeepLift("zero", false).explain(r)).contains("choose score=logit"));
	}

	/** A stage of kind "other" that changes its input (Tanh): LRP and DeepLIFT have no rule for it. */
	@Test
	void otherStageThatIsNotIdentity() {
		final float[] x = new float[12 * 16];
		for (int i = 0; i < x.length; i++) x[i] = i % 10;
		final ExplainRequest r = new ExplainRequest(TestData.network(TestData.testModel("other-stage")),
			ImagePlusAdapter.fromPlanes(new float[][] { x }, 16, 12), TargetSpec.index(1), ScoreKind.LOGIT);
		for (final Executable e : new Executable[] { () -> new Lrp("epsilon", 1e-6, 2, 1, false).explain(r),
			() -> new DeepLift("zero", false).explain(r) })
		{
			final String why = message(e);
			assertTrue(why.contains("cannot propagate through stage 'tanh' of kind 'other'"), why);
		}
		assertEquals("tanh", new GuidedBackprop(false).explain(r).results().get("ordinary_gradient_stages"));
		assertEquals("tanh", new Deconvnet(false).explain(r).results().get("ordinary_gradient_stages"));
	}
}
