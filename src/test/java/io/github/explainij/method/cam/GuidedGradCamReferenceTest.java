package io.github.explainij.method.cam;

import static io.github.explainij.TestData.floats;

import static io.github.explainij.TestData.assertRelativeClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import io.github.explainij.ExplainException;
import io.github.explainij.TestData;
import io.github.explainij.image.ImagePlusAdapter;
import io.github.explainij.method.Attribution;
import io.github.explainij.method.ExplainRequest;
import io.github.explainij.method.relevance.GuidedBackprop;
import io.github.explainij.target.ScoreKind;
import io.github.explainij.target.TargetSpec;

import java.nio.file.Files;

import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.type.numeric.real.FloatType;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Guided Grad-CAM against src/test/python/make_guided_gradcam_fixtures.py (PyTorch autograd: a
 * custom guided ReLU backward times Captum's LayerGradCam map, upsampled bilinearly or nearest).
 */
class GuidedGradCamReferenceTest {

	@ParameterizedTest
	@ValueSource(strings = { "gap_foci", "gap_mitotic_prob_nearest", "bn_interphase", "bn_resized", "rgb_tiny" })
	void matchesAutograd(final String name) throws Exception {
		final JsonObject o = JsonParser.parseString(Files.readString(TestData.repo().resolve(
			"src/test/resources/fixtures/guided_gradcam/" + name + ".json"))).getAsJsonObject();
		final ArrayImg<FloatType, FloatArray> image = TestData.fixtureImage(o, "input_shape");
		final ExplainRequest request = new ExplainRequest(TestData.network(TestData.repo().resolve(o.get("model").getAsString())), image,
			TargetSpec.index(o.get("target").getAsInt()), ScoreKind.parse(o.get("score").getAsString()));
		assertRelativeClose(floats(o.getAsJsonArray("logits")), request.logits(), 1e-5, name + " logits");
		final String layer = o.get("layer").getAsString(), upsample = o.get("upsample").getAsString();

		final float[] expected = floats(o.getAsJsonArray("attribution"));
		final Attribution perChannel = new GuidedGradCam(layer, upsample, true).explain(request);
		assertRelativeClose(expected, ImagePlusAdapter.toChw(perChannel.map()), 1e-4, name + " per channel");
		assertEquals(layer, perChannel.parameters().get("layer"));

		final int c = request.channels(), n = request.width() * request.height();
		final float[] summed = new float[n];
		for (int k = 0; k < c; k++) for (int i = 0; i < n; i++) summed[i] += expected[k * n + i];
		assertRelativeClose(summed, ImagePlusAdapter.toChw(new GuidedGradCam(layer, upsample, false).explain(request).map()), 1e-4,
			name + " summed");
	}

	/** With a Grad-CAM map that is 1 everywhere, Guided Grad-CAM would be guided backpropagation: check the factorization directly. */
	@Test
	void isGuidedBackpropTimesGradCam() {
		final ExplainRequest request = new ExplainRequest(TestData.network(TestData.model("cells-gap")),
			ImagePlusAdapter.currentPlanes(TestData.openSample("cells", "foci_006")), TargetSpec.predicted(), ScoreKind.LOGIT);
		final float[] guided = GuidedBackprop.guidedGradient(request);
		final float[] cam = new GradCam("", true).imageMap(request);
		final float[] expected = new float[cam.length];
		for (int i = 0; i < cam.length; i++) expected[i] = guided[i] * cam[i];
		final Attribution a = new GuidedGradCam("", "bilinear", false).explain(request);
		assertRelativeClose(expected, ImagePlusAdapter.toChw(a.map()), 1e-6, "product");
		assertEquals("relu3", a.parameters().get("layer"));
		assertTrue(a.signed());
	}

	@Test
	void nearestUpsamplingCopiesBlocks() {
		// 2x2 -> 4x4: each value fills its 2x2 block; 3 -> 7: floor(j * 3 / 7)
		assertArrayEquals(new float[] { 1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4 }, Upsampling.nearest(new float[] { 1, 2, 3, 4 }, 2, 2, 4, 4), 0);
		assertArrayEquals(new float[] { 5, 5, 5, 6, 6, 7, 7 }, Upsampling.nearest(new float[] { 5, 6, 7 }, 1, 3, 1, 7), 0);
	}

	@Test
	void refusesUnknownUpsampling() {
		assertTrue(assertThrows(ExplainException.class, () -> new GuidedGradCam("", "bicubic", false)).getMessage()
			.contains("bilinear or nearest"));
	}
}
