package io.github.explainij.method.cam;

import static io.github.explainij.TestData.assertRelativeClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.explainij.image.ImagePlusAdapter;
import io.github.explainij.method.Attribution;
import io.github.explainij.method.ExplainRequest;

import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every CAM variant against plain-PyTorch references on the saved TorchScript files
 * (src/test/python/make_cam_fixtures.py): Grad-CAM as Captum's LayerGradCam, Grad-CAM++ / Score-CAM /
 * Layer-CAM as pytorch-grad-cam, CAM by its definition from the module's parameters; several layers,
 * logit and probability, a fixed-size model fed its own size and another size, RGB input.
 */
class CamReferenceTest {

	static ClassActivationMap method(final String key, final String layer) {
		switch (key) {
			case "grad-cam": return new GradCam(layer, true);
			case "grad-cam-norelu": return new GradCam(layer, false);
			case "grad-cam-pp": return new GradCamPlusPlus(layer, true);
			case "layer-cam": return new LayerCam(layer, true);
			case "score-cam": return new ScoreCam(layer, true, 0);
			case "cam": return new Cam(layer, false);
			default: throw new IllegalArgumentException(key);
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "gap_relu3_foci_logit", "gap_relu2_mitotic_prob", "gap_conv3_mitotic_prob", "bn_relu2_apoptotic_logit",
		"bn_resized_relu2_logit", "shortcut_relu3_mitotic_logit", "rgb_tiny_relu2_prob" })
	void matchesPyTorch(final String name) {
		final CamFixture f = CamFixture.load(name);
		final ExplainRequest request = f.request();
		assertRelativeClose(f.logits, request.logits(), 1e-5, name + " logits");
		for (final Map.Entry<String, Map<String, float[]>> e : f.maps.entrySet()) {
			final String what = name + " " + e.getKey();
			final ClassActivationMap m = method(e.getKey(), f.layer);
			if (e.getKey().equals("cam") && f.score.equals("probability")) {
				// CAM explains the logit: the same maps come from a logit request
				final ExplainRequest logit = new ExplainRequest(f.network(), f.image, request.target(),
					io.github.explainij.target.ScoreKind.LOGIT);
				check(f, what, m.compute(logit), e.getValue());
			}
			else {
				final ClassActivationMap.Maps maps = m.compute(request);
				check(f, what, maps, e.getValue());
				assertEquals(f.scoreValue, maps.atImage().score(), 1e-5 * Math.abs(f.scoreValue), what + " score");
			}
		}
	}

	private static void check(final CamFixture f, final String what, final ClassActivationMap.Maps maps, final Map<String, float[]> ref) {
		final Attribution layer = maps.atLayer();
		assertArrayEquals(new long[] { f.layerWidth(), f.layerHeight() }, layer.map().dimensionsAsLongArray(), what + " layer geometry");
		assertEquals(f.layer, layer.parameters().get("layer"));
		assertEquals(f.layer, maps.layer());
		compare(ref.get("layer_map"), ImagePlusAdapter.toChw(layer.map()), what + " layer map");
		final Attribution image = maps.atImage();
		assertArrayEquals(new long[] { f.image.dimension(0), f.image.dimension(1) }, image.map().dimensionsAsLongArray(), what + " geometry");
		if (ref.containsKey("map")) compare(ref.get("map"), maps.imageMap(), what + " map at image size");
		assertEquals(f.target, image.targetClass());
		assertEquals(!Boolean.parseBoolean(image.parameters().get("relu")), image.signed());
	}

	/** 1e-4 relative; a reference that is all zero (e.g. a rectified map with no positive part) must be matched exactly. */
	private static void compare(final float[] expected, final float[] actual, final String what) {
		boolean zero = true;
		for (final float v : expected) zero &= v == 0;
		if (zero) {
			for (final float v : actual) assertEquals(0f, v, what + ": expected all zero");
			return;
		}
		assertRelativeClose(expected, actual, 1e-4, what);
	}

	@ParameterizedTest
	@ValueSource(strings = { "gap_relu3_foci_logit", "bn_relu2_apoptotic_logit" })
	void referencesAreNotTrivial(final String name) {
		final CamFixture f = CamFixture.load(name);
		for (final Map.Entry<String, Map<String, float[]>> e : f.maps.entrySet()) {
			final float[] m = e.getValue().get("layer_map");
			float min = Float.POSITIVE_INFINITY, max = Float.NEGATIVE_INFINITY;
			for (final float v : m) {
				min = Math.min(min, v);
				max = Math.max(max, v);
			}
			assertTrue(max > min, name + " " + e.getKey() + " is constant");
			assertFalse(Float.isNaN(max));
		}
	}
}
