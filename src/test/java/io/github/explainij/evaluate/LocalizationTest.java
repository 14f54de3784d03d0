package io.github.explainij.evaluate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.gson.JsonObject;

import io.github.explainij.ExplainException;

import java.util.Random;

import org.junit.jupiter.api.Test;

/** Localization: known answers (the mask itself, random maps at chance) and the NumPy reference on given maps. */
class LocalizationTest {

	@Test
	void theMaskItselfScoresOneOnEveryMetric() {
		final boolean[] mask = MapsFixture.mask("sample-data/cells/masks/mitotic_000.tif");
		final float[] map = new float[mask.length];
		for (int i = 0; i < map.length; i++) map[i] = mask[i] ? 1 : 0;
		assertArrayEquals(new double[] { 1, 1, 1, 1 }, Localization.of(map, mask).values(), 0);
	}

	@Test
	void givenMapsEqualTheReference() {
		final JsonObject ref = MapsFixture.json("localization_gap_mitotic_000");
		final boolean[] mask = MapsFixture.mask(ref.get("mask").getAsString());
		for (final String[] c : new String[][] { { "saliency", "saliency_gap_mitotic_000" }, { "random", "random_64" } }) {
			final double[] actual = Localization.of(MapsFixture.map(c[1]), mask).values();
			final JsonObject expected = ref.getAsJsonObject(c[0]);
			for (int k = 0; k < Localization.METRICS.length; k++) {
				assertEquals(expected.get(Localization.METRICS[k]).getAsDouble(), actual[k], 1e-6, c[0] + " " + Localization.METRICS[k]);
			}
		}
	}

	/**
	 * Random maps (uniform on [0, 1), independent of the mask) score at chance: mass and rank accuracy
	 * average the mask's fraction f = k / n. Over R maps: the top-k count is hypergeometric with variance
	 * k f (1 - f) (n - k) / (n - 1), so rank accuracy's mean has sd sqrt(that) / k / sqrt(R); mass accuracy
	 * S_in / (S_in + S_out) has sd about f (1 - f) cv sqrt(1 / k + 1 / (n - k)) per map (delta method, cv =
	 * 1 / sqrt(3) for uniform values). The tolerance is 5 of those sd; the pointing game hits with
	 * probability f (binomial, 5 sd).
	 */
	@Test
	void randomMapsScoreAtChance() {
		final int w = 32, n = w * w, maps = 300;
		final boolean[] mask = new boolean[n];
		for (int y = 8; y < 20; y++) for (int x = 4; x < 20; x++) mask[y * w + x] = true; // 12 x 16 = 192 pixels
		final int k = 192;
		final double f = k / (double) n;
		final Random random = new Random(3);
		double mass = 0, rank = 0, pointing = 0;
		for (int r = 0; r < maps; r++) {
			final float[] map = new float[n];
			for (int i = 0; i < n; i++) map[i] = random.nextFloat();
			final Localization.Scores s = Localization.of(map, mask);
			mass += s.massAccuracy / maps;
			rank += s.rankAccuracy / maps;
			pointing += s.pointing / maps;
		}
		final double rankSd = Math.sqrt(k * f * (1 - f) * (n - k) / (n - 1.0)) / k / Math.sqrt(maps);
		final double massSd = f * (1 - f) / Math.sqrt(3) * Math.sqrt(1.0 / k + 1.0 / (n - k)) / Math.sqrt(maps);
		final double pointingSd = Math.sqrt(f * (1 - f) / maps);
		assertEquals(f, rank, 5 * rankSd, "rank accuracy");
		assertEquals(f, mass, 5 * massSd, "mass accuracy");
		assertEquals(f, pointing, 5 * pointingSd, "pointing game");
	}

	@Test
	void firstMaximumInRowMajorOrderDecidesThePointingGame() {
		final boolean[] mask = { false, true, false, true };
		assertEquals(0, Localization.of(new float[] { 2, 1, 0, 2 }, mask).pointing, "max at 0 (outside) before the equal max at 3");
		assertEquals(1, Localization.of(new float[] { 1, 2, 0, 2 }, mask).pointing);
		// signed map: only positive attribution counts for mass accuracy, |a| for the share
		final Localization.Scores s = Localization.of(new float[] { -3, 1, 1, -1 }, mask);
		assertEquals(0.5, s.massAccuracy, 1e-12);
		assertEquals(2 / 6.0, s.shareInside, 1e-12);
		assertEquals(0.5, s.rankAccuracy, 1e-12); // top 2: pixels 1, 2
		assertEquals(0, Localization.of(new float[4], mask).massAccuracy, 0, "no positive attribution: none inside");
		assertEquals("the ground-truth mask is empty: it must mark at least one pixel",
			assertThrows(ExplainException.class, () -> Localization.of(new float[4], new boolean[4])).getMessage());
	}
}
