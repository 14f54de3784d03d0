package io.github.explainij.model;

import static io.github.explainij.TestData.assertRelativeClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.types.Shape;

import io.github.explainij.ExplainException;
import io.github.explainij.TestData;
import io.github.explainij.image.ImagePlusAdapter;
import io.github.explainij.method.Attribution;
import io.github.explainij.method.ExplainRequest;
import io.github.explainij.method.SaliencyMap;
import io.github.explainij.method.cam.GradCam;
import io.github.explainij.method.perturbation.Fill;
import io.github.explainij.method.perturbation.OcclusionSensitivity;
import io.github.explainij.method.relevance.GuidedBackprop;
import io.github.explainij.method.relevance.Lrp;
import io.github.explainij.method.relevance.StagewiseBackward;
import io.github.explainij.target.ClassScore;
import io.github.explainij.target.ScoreKind;
import io.github.explainij.target.TargetSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import net.imglib2.img.array.ArrayImgs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nonsense is refused (issue 8): non-finite scores, activations and attributions with the stage where
 * they first appear; float64 / float16 / integer outputs converted; stages that disagree with forward;
 * a sidecar naming the wrong number of classes; a model file other than the one its sidecar pins. The
 * test models are made by src/test/python/make_trust_fixtures.py.
 */
class NetworkTrustTest {

	@TempDir
	Path tmp;

	private static final Shape EIGHT = new Shape(1, 1, 8, 8);

	private static float[] image8x8() {
		final float[] x = new float[64];
		for (int i = 0; i < 64; i++) x[i] = (float) ((i * 37 % 23) - 9) / 4f;
		return x;
	}

	/** The linear map of trust-float64/float16/int: W[k, i] = ((3 i + 5 k) % 7 - 3) / 4, b = (0.5, -1, 0.25). */
	private static float weight(final int k, final int i) {
		return ((3 * i + 5 * k) % 7 - 3) / 4f;
	}

	private static float[] linearLogits(final float[] x) {
		final double[] b = { 0.5, -1, 0.25 };
		final float[] out = new float[3];
		for (int k = 0; k < 3; k++) {
			double s = b[k];
			for (int i = 0; i < 64; i++) s += weight(k, i) * (double) x[i];
			out[k] = (float) s;
		}
		return out;
	}

	private static ExplainRequest request(final Network net, final float[] x, final int target) {
		return new ExplainRequest(net, ArrayImgs.floats(x.clone(), 8, 8), TargetSpec.index(target), ScoreKind.LOGIT);
	}

	@Test
	void nanScoresAreRefusedWithTheStageWhereTheyFirstAppear() {
		final Network net = TestData.network(TestData.testModel("trust-nan"));
		final float[] x = image8x8();
		final InputTransform t = net.transformFor(new float[][] { x });
		final ExplainException logits = assertThrows(ExplainException.class, () -> net.logits(x, EIGHT, t));
		assertTrue(logits.getMessage().startsWith("the model trust-nan gives NaN or infinite scores (its output) for this image; they first " +
			"appear at the output of stage 'sqrt3' (stage 3 of 6, other)."), logits.getMessage());
		// a gradient method meets them in the scores too
		final ExplainException grad = assertThrows(ExplainException.class,
			() -> net.scoreGradient(x, EIGHT, t, ClassScore.of(0, ScoreKind.LOGIT)));
		assertTrue(grad.getMessage().contains("first appear at the output of stage 'sqrt3'"), grad.getMessage());
	}

	@Test
	void nanActivationsAreRefusedStageByStage() {
		final Network net = TestData.network(TestData.testModel("trust-nan"));
		final StagewiseBackward stages = new StagewiseBackward(net, "LRP");
		final ExplainException e = assertThrows(ExplainException.class,
			() -> stages.forward(new StagewiseBackward.Tensor(image8x8(), EIGHT)));
		assertTrue(e.getMessage().startsWith("the model trust-nan gives NaN or infinite activations for this image; they first appear at " +
			"the output of stage 'sqrt3' (stage 3 of 6, other)."), e.getMessage());
	}

	@Test
	void nonFiniteValuesPassedBackAreRefusedAtTheirStage() {
		final Network net = TestData.network(TestData.model("cells-gap"));
		final StagewiseBackward stages = new StagewiseBackward(net, "LRP");
		final int n = stages.stages();
		final ExplainException e = assertThrows(ExplainException.class, () -> stages.backward(new float[4], (i, kind, up) -> {
			final float[] out = new float[8];
			if (i == n - 2) out[3] = Float.POSITIVE_INFINITY;
			return out;
		}));
		assertEquals("LRP's backward pass gives 1 NaN or infinite value(s) at the input of stage '" + stages.name(n - 2) + "' (stage " + (n - 1) +
			" of " + n + ", " + stages.kind(n - 2) + "), though the model's activations are finite: the rule overflows or divides by zero " +
			"there. Try other rule parameters (e.g. a larger epsilon) or another method", e.getMessage());
	}

	@Test
	void nonFiniteAttributionsAreRefusedWithTheirPosition() {
		final float[] map = new float[12];
		map[7] = Float.NaN;
		map[11] = Float.NEGATIVE_INFINITY;
		final ExplainException e = assertThrows(ExplainException.class, () -> new Attribution(ArrayImgs.floats(map, 4, 3), "Saliency Map", 0,
			"a", 1f, new float[] { 1f }, false, Map.of()));
		assertTrue(e.getMessage().startsWith("Saliency Map gave 2 NaN or infinite attribution value(s), the first at x=3, y=1:"), e.getMessage());
		// a finite map is a result
		assertEquals(0f, new Attribution(ArrayImgs.floats(new float[12], 4, 3), "m", 0, "a", 1f, new float[] { 1f }, false, Map.of())
			.score() - 1f, 0);
	}

	@Test
	void float64ScoresAreConvertedAndDifferentiated() {
		final Network net = TestData.network(TestData.testModel("trust-float64"));
		final float[] x = image8x8();
		final InputTransform t = net.transformFor(new float[][] { x });
		assertRelativeClose(linearLogits(x), net.logits(x, EIGHT, t), 1e-6, "float64 logits");
		// saliency of a linear model is the weight row
		final float[] expected = new float[64];
		for (int i = 0; i < 64; i++) expected[i] = weight(2, i);
		assertRelativeClose(expected, ImagePlusAdapter.toChw(new SaliencyMap(false, false).explain(request(net, x, 2)).map()), 1e-6,
			"saliency through float64 logits");
	}

	@Test
	void float16ScoresAreConverted() {
		final Network net = TestData.network(TestData.testModel("trust-float16"));
		final float[] x = image8x8();
		final float[] expected = linearLogits(x), got = net.logits(x, EIGHT, net.transformFor(new float[][] { x }));
		for (int k = 0; k < 3; k++) assertEquals(expected[k], got[k], 0.01 * Math.max(1, Math.abs(expected[k])), "class " + k);
	}

	@Test
	void integerScoresAreConvertedButHaveNoGradient() {
		final Network net = TestData.network(TestData.testModel("trust-int"));
		final float[] x = image8x8();
		final float[] expected = linearLogits(x);
		final float[] got = net.logits(x, EIGHT, net.transformFor(new float[][] { x }));
		for (int k = 0; k < 3; k++) assertEquals(Math.round(10 * expected[k]), got[k], 0, "class " + k);
		final ExplainException e = assertThrows(ExplainException.class, () -> new SaliencyMap(false, false).explain(request(net, x, 0)));
		assertTrue(e.getMessage().startsWith("the model trust-int's forward returns int64 values, which have no gradient: use a method " +
			"that needs none (occlusion"), e.getMessage());
		// a perturbation method works on them: occluding pixel i changes the score by about -10 W[0, i] x_i
		final float[] occ = ImagePlusAdapter.toChw(new OcclusionSensitivity(8, 8, Fill.parse("zero", 0, false), 1)
			.explain(request(net, x, 0)).map());
		assertEquals(Math.round(10 * expected[0]) - Math.round(10 * 0.5f), occ[0], 0, "occluding everything leaves the bias");
	}

	@Test
	void stagesThatDisagreeWithForwardAreRefusedByLayerAwareMethodsOnly() {
		final Network net = TestData.network(TestData.testModel("trust-mismatch"));
		assertNotNull(net.stagesProblem());
		assertTrue(net.stagesProblem().startsWith("forward_layers(x, 0, 5) differs from forward(x) by up to 1.00 (on a test input (1, 1, 64, 64)"),
			net.stagesProblem());
		final float[] x = image8x8();
		for (final Runnable layerAware : List.<Runnable>of(() -> new GradCam("relu2", true).explain(request(net, x, 0)),
			() -> new GuidedBackprop(false).explain(request(net, x, 0)),
			() -> new Lrp(Lrp.EPSILON, 1e-6, 1, 0, false).explain(request(net, x, 0))))
		{
			final ExplainException e = assertThrows(ExplainException.class, layerAware::run);
			assertTrue(e.getMessage().contains("cannot use the stages of trust-mismatch.pt: forward_layers(x, 0, 5) differs from forward(x)"),
				e.getMessage());
			assertTrue(e.getMessage().endsWith("or use a method that needs no stages (saliency, gradient x input, SmoothGrad, " +
				"Integrated Gradients, occlusion, RISE, LIME)"), e.getMessage());
		}
		// plain gradient methods still work
		final float[] saliency = ImagePlusAdapter.toChw(new SaliencyMap(true, false).explain(request(net, x, 0)).map());
		double sum = 0;
		for (final float v : saliency) sum += v;
		assertTrue(sum > 0, "saliency of the mismatched model");
	}

	@Test
	void shippedModelsPassTheStageCheck() {
		for (final Path p : List.of(TestData.model("cells-gap"), TestData.model("cells-bn"), TestData.model("cells-unet"),
			TestData.model("cells-2ch"), TestData.testModel("tiny-3d"), TestData.testModel("dense-cnn"), TestData.testModel("tiny-rgb")))
		{
			assertNull(TestData.network(p).stagesProblem(), p.toString());
		}
	}

	private Path copyModel(final String testModel, final String sidecar) throws IOException {
		final Path pt = tmp.resolve(testModel + ".pt");
		Files.copy(TestData.testModel(testModel), pt);
		Files.writeString(tmp.resolve(testModel + ".json"), sidecar);
		return pt;
	}

	@Test
	void aSidecarNamingTooFewClassesIsRefused() throws IOException {
		final Path pt = copyModel("trust-float64", "{\"classes\": [\"a\", \"b\"], \"input\": {\"channels\": 1, \"height\": 8, \"width\": 8}}");
		try (Network net = Network.load(pt, Device.cpu())) {
			final float[] x = image8x8();
			final ExplainException e = assertThrows(ExplainException.class, () -> net.logits(x, EIGHT, net.transformFor(new float[][] { x })));
			assertEquals("the sidecar trust-float64.json names 2 class(es) in \"classes\" but the model returns 3 score(s) per image " +
				"(output (1, 3)): \"classes\" must name every output in order, e.g. [\"interphase\", \"mitotic\", ...] (or remove the key " +
				"to number them)", e.getMessage());
		}
	}

	@Test
	void aPinnedSha256AcceptsThatFileOnly() throws IOException {
		final String right = Network.sha256(TestData.testModel("trust-float64"));
		assertEquals(64, right.length());
		final Path pt = copyModel("trust-float64", "{\"sha256\": \"" + right.toUpperCase() + "\"}");
		try (Network net = Network.load(pt, Device.cpu())) {
			assertEquals(right, net.spec().sha256());
		}
		// the same sidecar beside another model file
		final Path other = tmp.resolve("other.pt");
		Files.copy(TestData.testModel("trust-float16"), other);
		Files.writeString(tmp.resolve("other.json"), "{\"sha256\": \"" + right + "\"}");
		final byte[] before = Files.readAllBytes(other);
		final ExplainException e = assertThrows(ExplainException.class, () -> Network.load(other, Device.cpu()));
		assertEquals("the model file other.pt is not the one its sidecar other.json pins: its sha256 is " +
			Network.sha256(TestData.testModel("trust-float16")) + ", the sidecar's \"sha256\" is " + right + ". Use the model file the " +
			"sidecar was written for; if you trust this file, write its sha256 in the sidecar (or remove the key)", e.getMessage());
		assertArrayEquals(before, Files.readAllBytes(other), "the model file is not touched");
	}
}
