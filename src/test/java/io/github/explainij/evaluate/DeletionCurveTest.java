package io.github.explainij.evaluate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.gson.JsonObject;

import io.github.explainij.ExplainException;
import io.github.explainij.TestData;
import io.github.explainij.image.ImagePlusAdapter;
import io.github.explainij.method.ExplainRequest;
import io.github.explainij.model.Network;
import io.github.explainij.target.ScoreKind;
import io.github.explainij.target.TargetSpec;

import org.junit.jupiter.api.Test;

/**
 * Deletion and insertion curves against the NumPy reference of make_eval_maps_fixtures.py on the SAME
 * maps (curves and AUCs to 1e-4), and a linear model where the score after deleting k pixels is known.
 */
class DeletionCurveTest {

	private static ExplainRequest request(final JsonObject ref) {
		final Network net = TestData.network(TestData.repo().resolve(ref.get("model").getAsString()));
		final var image = ImagePlusAdapter.currentPlanes(ij.IJ.openImage(TestData.repo().resolve(ref.get("image").getAsString()).toString()));
		return new ExplainRequest(net, image, TargetSpec.predicted(), ScoreKind.parse(ref.get("score").getAsString()));
	}

	private static void assertCurve(final double[] expected, final double[] actual, final String what) {
		assertEquals(expected.length, actual.length, what);
		for (int i = 0; i < expected.length; i++) assertEquals(expected[i], actual[i], 1e-4 * Math.max(1, Math.abs(expected[i])), what + " step " + i);
	}

	private static void checkCase(final String name) {
		final JsonObject ref = MapsFixture.json(name);
		final ExplainRequest request = request(ref);
		assertEquals(ref.get("target").getAsInt(), request.targetClass());
		final DeletionCurve d = new DeletionCurve(DeletionCurve.Mode.parse(ref.get("mode").getAsString()), ref.get("steps").getAsInt(),
			ref.get("fill").getAsString());
		final DeletionCurve.Curve c = d.of(request, MapsFixture.map(ref.get("map").getAsString()), null);
		assertArrayEquals(MapsFixture.doubles(ref, "fractions"), c.fractions, 1e-12);
		assertCurve(MapsFixture.doubles(ref, "scores"), c.scores, name);
		assertEquals(ref.get("auc").getAsDouble(), c.auc, 1e-4, name + " AUC");
		if (ref.has("repeats")) {
			final DeletionCurve.Curve r = d.random(request, null, ref.get("repeats").getAsInt(), ref.get("seed").getAsLong());
			assertCurve(MapsFixture.doubles(ref, "random_scores"), r.scores, name + " random");
			assertEquals(ref.get("random_auc").getAsDouble(), r.auc, 1e-4, name + " random AUC");
		}
	}

	@Test
	void deletionWithZeroFillAndTheRandomBaselineEqualTheReference() {
		checkCase("deletion_gap_zero");
	}

	@Test
	void insertionWithBlurFillOfTheProbabilityEqualsTheReference() {
		checkCase("insertion_gap_blur");
	}

	@Test
	void meanFillWithStepsThatDoNotDivideThePixelsEqualsTheReference() {
		checkCase("deletion_gap_mean_random_map");
	}

	/**
	 * logit_k = sum_i W[k, i] x_i + b_k on 8x8 images: with the zero fill, deleting the set S leaves
	 * logit_k(x) - sum_{i in S} W[k, i] x_i. The map W[k, i] x_i (gradient x input) orders the pixels.
	 */
	@Test
	void linearModelScoreAfterDeletingKPixelsIsKnown() {
		final Network net = TestData.network(TestData.testModel("linear-8x8"));
		final float[] x = new float[64];
		for (int i = 0; i < 64; i++) x[i] = (float) Math.sin(i * 0.37) * 2;
		final ExplainRequest request = new ExplainRequest(net, ImagePlusAdapter.fromPlanes(new float[][] { x }, 8, 8), TargetSpec.index(2),
			ScoreKind.LOGIT);
		final float[] map = new float[64];
		for (int i = 0; i < 64; i++) map[i] = w(2, i) * x[i];
		final int steps = 5;
		for (final DeletionCurve.Mode mode : DeletionCurve.Mode.values()) {
			final DeletionCurve.Curve c = new DeletionCurve(mode, steps, "zero").of(request, map, null);
			final int[] order = PixelOrder.byAttribution(map);
			double full = 0.5 * 2;
			for (int i = 0; i < 64; i++) full += (double) map[i];
			for (int s = 0; s <= steps; s++) {
				final int k = DeletionCurve.changed(s, 64, steps); // 0, 13, 26, 38, 51, 64
				double top = 0;
				for (int j = 0; j < k; j++) top += map[order[j]];
				final double expected = mode == DeletionCurve.Mode.DELETION ? full - top : 0.5 * 2 + top;
				assertEquals(expected, c.scores[s], 1e-5, mode + " step " + s);
			}
		}
		assertArrayEquals(new int[] { 0, 13, 26, 38, 51, 64 }, java.util.stream.IntStream.rangeClosed(0, 5)
			.map(s -> DeletionCurve.changed(s, 64, 5)).toArray());
	}

	private static float w(final int k, final int i) {
		return ((i * 7 + k * 13) % 17 - 8) / 10f;
	}

	@Test
	void ordersByAttributionTiesByIndexAndBySuperpixelMeans() {
		assertArrayEquals(new int[] { 3, 1, 4, 0, 2 }, PixelOrder.byAttribution(new float[] { 0, 2, -0f, 5, 2 - 1e-7f }));
		assertArrayEquals(new int[] { 1, 2, 0, 3 }, PixelOrder.byAttribution(new float[] { 1, 3, 3, 1 }));
		// superpixels 0: {0, 1} mean 1, 1: {2, 4} mean 3, 2: {3} mean 1 -> 1, then 0 (tie with 2, lower label), then 2
		assertArrayEquals(new int[] { 2, 4, 0, 1, 3 }, PixelOrder.bySuperpixels(new float[] { 0, 2, 5, 1, 1 }, new int[] { 0, 0, 1, 2, 1 }));
	}

	@Test
	void refusesBadSettings() {
		assertEquals("mode must be deletion or insertion, not 'both'", assertThrows(ExplainException.class, () -> DeletionCurve.Mode.parse("both")).getMessage());
		assertThrows(ExplainException.class, () -> new DeletionCurve(DeletionCurve.Mode.DELETION, 0, "zero"));
		assertThrows(ExplainException.class, () -> new DeletionCurve(DeletionCurve.Mode.DELETION, 4, "noise"));
	}
}
