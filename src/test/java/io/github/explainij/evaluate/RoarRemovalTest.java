package io.github.explainij.evaluate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import org.junit.jupiter.api.Test;

/** ROAR's and KAR's removed pixels and the mean fill against the NumPy reference (argsort, stable). */
class RoarRemovalTest {

	@Test
	void removedPixelsEqualNumpy() {
		int cases = 0;
		for (final JsonElement e : EvalFixtures.read("removal.json").getAsJsonArray("cases")) {
			final JsonObject c = e.getAsJsonObject();
			final float[] map = EvalFixtures.floats(c.getAsJsonArray("map"));
			final double f = c.get("fraction").getAsDouble();
			assertArrayEquals(EvalFixtures.ints(c.getAsJsonArray("roar")), Roar.removed(map, f, Roar.ROAR), "roar at " + f);
			assertArrayEquals(EvalFixtures.ints(c.getAsJsonArray("kar")), Roar.removed(map, f, Roar.KAR), "kar at " + f);
			cases++;
		}
		assertEquals(8, cases);
	}

	@Test
	void removedPixelsAreFilledWithTheChannelMeans() {
		final JsonObject f = EvalFixtures.read("removal.json").getAsJsonObject("fill");
		final int w = f.get("width").getAsInt(), h = f.get("height").getAsInt(), n = w * h;
		final float[] image = EvalFixtures.floats(f.getAsJsonArray("image")), expected = EvalFixtures.floats(f.getAsJsonArray("filled"));
		final float[][] planes = { java.util.Arrays.copyOfRange(image, 0, n), java.util.Arrays.copyOfRange(image, n, 2 * n) };
		final float[][] filled = Roar.fill(planes, Roar.removed(EvalFixtures.floats(f.getAsJsonArray("map")), f.get("fraction").getAsDouble(), Roar.ROAR));
		assertArrayEquals(java.util.Arrays.copyOfRange(expected, 0, n), filled[0], 1e-4f);
		assertArrayEquals(java.util.Arrays.copyOfRange(expected, n, 2 * n), filled[1], 1e-4f);
		assertArrayEquals(java.util.Arrays.copyOfRange(image, 0, n), planes[0], "the original stays unchanged");
	}

	@Test
	void randomRemovalIsSeededAndTakesTheRoundedCount() {
		final int[] a = Roar.removedAtRandom(100, 0.25, 7), b = Roar.removedAtRandom(100, 0.25, 7), c = Roar.removedAtRandom(100, 0.25, 8);
		assertEquals(25, a.length);
		assertArrayEquals(a, b);
		assertNotEquals(java.util.Arrays.toString(a), java.util.Arrays.toString(c));
		assertEquals(25, java.util.Arrays.stream(a).distinct().count());
		// a split: every 4th image is a test image
		assertEquals(false, Roar.isTest(0));
		assertEquals(true, Roar.isTest(3));
		assertEquals(true, Roar.isTest(7));
	}
}
