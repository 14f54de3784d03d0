package io.github.explainij.method;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.explainij.TestData;
import io.github.explainij.image.ImagePlusAdapter;
import io.github.explainij.method.cam.Cam;
import io.github.explainij.method.cam.GradCam;
import io.github.explainij.method.cam.GradCamPlusPlus;
import io.github.explainij.method.cam.GuidedGradCam;
import io.github.explainij.method.cam.LayerCam;
import io.github.explainij.method.gradient.GradientXInput;
import io.github.explainij.method.relevance.Deconvnet;
import io.github.explainij.method.relevance.DeepLift;
import io.github.explainij.method.relevance.GuidedBackprop;
import io.github.explainij.method.relevance.Lrp;
import io.github.explainij.model.Network;
import io.github.explainij.target.ScoreKind;
import io.github.explainij.target.TargetSpec;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.real.FloatType;

import java.util.function.Supplier;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Methods that take the class scores (and so the predicted class) from their own pass instead of a
 * forward pass of their own (issue 12) give exactly what they gave with that pass: the same logits as the
 * network's forward, the same class, the same map to the last bit; and they count one pass fewer.
 */
class OwnPassScoresTest {

	static Stream<Arguments> methods() {
		return Stream.of(
			Arguments.of("cells-gap", "saliency", ScoreKind.LOGIT, (Supplier<AttributionMethod>) () -> new SaliencyMap(true, false), 1),
			Arguments.of("cells-bn", "saliency", ScoreKind.PROBABILITY, (Supplier<AttributionMethod>) () -> new SaliencyMap(false, false), 1),
			Arguments.of("cells-bn", "gradient x input", ScoreKind.LOGIT, (Supplier<AttributionMethod>) () -> new GradientXInput(true), 1),
			Arguments.of("cells-gap", "lrp", ScoreKind.LOGIT, (Supplier<AttributionMethod>) () -> new Lrp("epsilon", 1e-6, 1, 0, false), 1),
			Arguments.of("cells-bn", "lrp z+", ScoreKind.LOGIT, (Supplier<AttributionMethod>) () -> new Lrp("zplus", 1e-6, 1, 0, false), 1),
			Arguments.of("cells-gap", "guided backprop", ScoreKind.PROBABILITY, (Supplier<AttributionMethod>) () -> new GuidedBackprop(false), 1),
			Arguments.of("cells-bn", "deconvnet", ScoreKind.LOGIT, (Supplier<AttributionMethod>) () -> new Deconvnet(false), 1),
			Arguments.of("cells-gap", "deeplift", ScoreKind.LOGIT, (Supplier<AttributionMethod>) () -> new DeepLift("zero", false), 2),
			Arguments.of("cells-gap", "grad-cam", ScoreKind.LOGIT, (Supplier<AttributionMethod>) () -> new GradCam("", true), 1),
			Arguments.of("cells-bn", "grad-cam++", ScoreKind.PROBABILITY, (Supplier<AttributionMethod>) () -> new GradCamPlusPlus("", true), 1),
			Arguments.of("cells-gap", "cam", ScoreKind.LOGIT, (Supplier<AttributionMethod>) () -> new Cam("", true), 1),
			Arguments.of("cells-bn", "layer-cam", ScoreKind.LOGIT, (Supplier<AttributionMethod>) () -> new LayerCam("", true), 1),
			Arguments.of("cells-gap", "guided grad-cam", ScoreKind.LOGIT, (Supplier<AttributionMethod>) () -> new GuidedGradCam("", "bilinear", false), 2));
	}

	@ParameterizedTest(name = "{1} on {0} ({2})")
	@MethodSource("methods")
	void sameNumbersWithoutTheTargetPass(final String model, final String name, final ScoreKind score,
		final Supplier<AttributionMethod> method, final long forwardPasses)
	{
		final Network net = TestData.network(TestData.model(model));
		final RandomAccessibleInterval<FloatType> image = ImagePlusAdapter.currentPlanes(TestData.openSample("cells", "mitotic_002"));
		// as before: the request's own forward pass finds the class first
		final ExplainRequest separate = new ExplainRequest(net, image, TargetSpec.predicted(), score);
		final float[] forwardLogits = separate.logits();
		final Attribution before = method.get().explain(separate);
		// now: the method's pass gives the scores
		final ExplainRequest own = new ExplainRequest(net, image, TargetSpec.predicted(), score);
		final Attribution after = method.get().explain(own);
		assertArrayEquals(forwardLogits, own.logits(), name + ": logits from the method's pass");
		assertArrayEquals(separate.classScores(), own.classScores(), name + ": class scores");
		assertArrayEquals(forwardLogits, after.logits(), name + ": recorded logits");
		assertEquals(before.targetClass(), after.targetClass());
		assertEquals(before.score(), after.score());
		assertArrayEquals(ImagePlusAdapter.toChw(before.map()), ImagePlusAdapter.toChw(after.map()), name + ": map");
		assertEquals(Long.toString(forwardPasses), after.results().get("forward_passes"), name + ": passes counted");
	}
}
