package io.github.explainij.evaluate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.explainij.TestData;
import io.github.explainij.image.ImagePlusAdapter;

import ij.IJ;
import ij.ImagePlus;

import com.google.gson.JsonObject;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The surrogate's image features against the NumPy definitions (cross-checked with scikit-image) on two sample images. */
class ImageFeaturesTest {

	@Test
	void equalTheNumPyReference() {
		final JsonObject f = AuditFixtures.load("features.json");
		for (final Map.Entry<String, com.google.gson.JsonElement> e : f.entrySet()) {
			final ImagePlus imp = IJ.openImage(TestData.repo().resolve(e.getKey()).toString());
			final double[] actual = ImageFeatures.of(ImagePlusAdapter.planes(ImagePlusAdapter.currentPlanes(imp)), imp.getWidth(), imp.getHeight());
			final double[] expected = AuditFixtures.doubles(e.getValue().getAsJsonArray());
			assertEquals(ImageFeatures.NAMES.size(), actual.length);
			for (int i = 0; i < expected.length; i++) {
				assertEquals(expected[i], actual[i], 1e-5 * Math.max(1, Math.abs(expected[i])), ImageFeatures.NAMES.get(i) + " of " + e.getKey());
			}
		}
	}

	@Test
	void handCheckableImage() {
		// 6x4: two bright objects on 0: a 2x2 square (area 4, perimeter 8) and a single pixel (area 1, perimeter 4)
		final float[] v = new float[24];
		for (final int i : new int[] { 7, 8, 13, 14, 22 }) v[i] = 10;
		final double[] f = ImageFeatures.of(new float[][] { v }, 6, 4);
		assertEquals(50.0 / 24, f[0], 1e-12);
		assertEquals(0, f[2]);
		assertEquals(10, f[3]);
		assertEquals(2, f[11], "object count");
		assertEquals(2.5, f[12], "mean object area");
		assertEquals(4, f[13], "largest object area");
		assertEquals((4 * Math.PI * 4 / 64 + 4 * Math.PI * 1 / 16) / 2, f[14], 1e-12, "mean circularity");
		// GLCM: horizontal pairs with different levels (0 and 7): row 1: 0|10 and 10|0, row 2 the same, row 3: 0|10, 10|0 -> 6 of 20
		assertEquals(6 * 49 / 20.0, f[9], 1e-12);
		assertArrayEquals(new double[] { 0, 0, 0, 0 }, ImageFeatures.objects(new float[24], 6, 4, 0));
		assertEquals(List.of("channel 1 mean intensity", "channel 2 mean intensity"), List.of(ImageFeatures.names(2).get(0),
			ImageFeatures.names(2).get(ImageFeatures.NAMES.size())));
	}
}
