package io.github.explainij.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import org.junit.jupiter.api.Test;

/** Spearman and SSIM against scipy.stats.spearmanr and skimage's structural_similarity on the same maps. */
class MapSimilarityTest {

	@Test
	void spearmanAndSsimEqualScipyAndSkimage() {
		int pairs = 0;
		for (final JsonElement e : EvalFixtures.read("similarity.json").getAsJsonArray("pairs")) {
			final JsonObject p = e.getAsJsonObject();
			final int w = p.get("width").getAsInt(), h = p.get("height").getAsInt();
			final float[] a = EvalFixtures.floats(p.getAsJsonArray("a")), b = EvalFixtures.floats(p.getAsJsonArray("b"));
			final float[] aa = MapSimilarity.abs(a), ba = MapSimilarity.abs(b);
			assertEquals(p.get("spearman_signed").getAsDouble(), MapSimilarity.spearman(a, b), 1e-5, "spearman signed " + w + "x" + h);
			assertEquals(p.get("spearman_abs").getAsDouble(), MapSimilarity.spearman(aa, ba), 1e-5, "spearman abs " + w + "x" + h);
			assertEquals(p.get("ssim_signed").getAsDouble(), MapSimilarity.ssim(a, b, w, h, MapSimilarity.range(a)), 1e-5, "ssim signed " + w + "x" + h);
			assertEquals(p.get("ssim_abs").getAsDouble(), MapSimilarity.ssim(aa, ba, w, h, MapSimilarity.range(aa)), 1e-5, "ssim abs " + w + "x" + h);
			// the similarity of SanityCheck is the same four numbers
			final double[] s = SanityCheck.similarity(a, b, w, h, 1);
			assertEquals(p.get("spearman_abs").getAsDouble(), s[0], 1e-5);
			assertEquals(p.get("spearman_signed").getAsDouble(), s[1], 1e-5);
			assertEquals(p.get("ssim_abs").getAsDouble(), s[2], 1e-5);
			assertEquals(p.get("ssim_signed").getAsDouble(), s[3], 1e-5);
			pairs++;
		}
		assertEquals(3, pairs);
	}

	@Test
	void identicalMapsScoreOneAndConstantMapsHaveNoRankCorrelation() {
		final float[] a = new float[8 * 8];
		for (int i = 0; i < a.length; i++) a[i] = (i * 37 % 11) - 5;
		assertEquals(1, MapSimilarity.spearman(a, a), 1e-12);
		assertEquals(1, MapSimilarity.ssim(a, a, 8, 8, MapSimilarity.range(a)), 1e-12);
		final float[] zero = new float[64];
		assertTrue(Double.isNaN(MapSimilarity.spearman(zero, a)), "scipy gives NaN for a constant array");
		// SanityCheck's data range of a constant map is 1, so two equal constant maps are as similar as can be
		assertEquals(1, MapSimilarity.ssim(zero, zero, 8, 8, SanityCheck.dataRange(zero)), 1e-12);
		// reversed ranks
		final float[] up = new float[64], down = new float[64];
		for (int i = 0; i < 64; i++) {
			up[i] = i;
			down[i] = -i * i;
		}
		assertEquals(-1, MapSimilarity.spearman(up, down), 1e-12);
	}
}
