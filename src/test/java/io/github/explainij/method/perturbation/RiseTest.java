package io.github.explainij.method.perturbation;

import static io.github.explainij.TestData.assertRelativeClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.explainij.ExplainException;
import io.github.explainij.TestData;
import io.github.explainij.image.ImagePlusAdapter;
import io.github.explainij.method.Attribution;
import io.github.explainij.method.ExplainRequest;
import io.github.explainij.target.ScoreKind;
import io.github.explainij.target.TargetSpec;

import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * RISE against make_perturbation_fixtures.py, which regenerates the SAME masks from the seed (a Python
 * copy of java.util.Random, PyTorch's bilinear upsampling) and aggregates the scores of the saved
 * TorchScript models; plus hand-computable cases.
 */
class RiseTest {

	private static Rise method(final PerturbationFixture f, final int batch) {
		return new Rise(f.integer("masks"), f.integer("cell"), f.number("p"), f.integer("seed"), Fill.parse(f.text("fill"), 0, false), batch);
	}

	@ParameterizedTest
	@ValueSource(strings = { "rise_gap_logit", "rise_bn_odd", "rise_rgb_prob" })
	void matchesReferenceWithTheSameMasks(final String name) {
		final PerturbationFixture f = PerturbationFixture.load(name);
		final ExplainRequest r = f.request();
		// the masks themselves
		final RiseMasks masks = new RiseMasks(r.width(), r.height(), f.integer("cell"), f.number("p"), f.integer("seed"));
		final int n = r.width() * r.height();
		final float[] first = new float[3 * n];
		for (int i = 0; i < 3; i++) masks.next(first, i * n);
		assertRelativeClose(f.floats("first_masks"), first, 1e-6, name + " masks");
		// the saliency
		final Attribution a = method(f, 0).explain(r);
		assertRelativeClose(f.floats("saliency"), ImagePlusAdapter.toChw(a.map()), 1e-4, name + " saliency");
		assertEquals(Integer.toString(f.integer("masks") + 1), a.results().get("forward_passes"));
	}

	@Test
	void sameNumbersForEveryBatchSize() {
		final PerturbationFixture f = PerturbationFixture.load("rise_bn_odd");
		final float[] auto = ImagePlusAdapter.toChw(method(f, 0).explain(f.request()).map());
		for (final int batch : new int[] { 1, 5 }) {
			assertRelativeClose(auto, ImagePlusAdapter.toChw(method(f, batch).explain(f.request()).map()), 1e-5, "batch " + batch);
		}
	}

	/** Masks take values in [0, 1], a cell-aligned kept cell is 1 in its middle, and the keep rate is about p. */
	@Test
	void masksLookLikeTheirDefinition() {
		final int w = 40, h = 30;
		final RiseMasks m = new RiseMasks(w, h, 10, 0.25, 5);
		assertEquals(5, m.gridWidth());
		assertEquals(4, m.gridHeight());
		final float[] mask = new float[w * h];
		double mean = 0;
		for (int k = 0; k < 400; k++) {
			m.next(mask, 0);
			for (final float v : mask) {
				assertTrue(v >= 0 && v <= 1, "mask value " + v);
				mean += v;
			}
		}
		mean /= 400.0 * w * h;
		assertEquals(0.25, mean, 0.02);
		// p = 1 keeps everything: every mask is all ones
		final RiseMasks all = new RiseMasks(w, h, 7, 1.0, 1);
		all.next(mask, 0);
		for (final float v : mask) assertEquals(1f, v, 0f);
	}

	/**
	 * Hand-computable: with p = 1 every mask is all ones, so every masked image is the image itself and
	 * the saliency is score(x) / p everywhere; on the linear model score(x) = W[k] . x + b[k].
	 */
	@Test
	void keepEverythingGivesTheScore() {
		final float[] x = new float[64];
		for (int i = 0; i < 64; i++) x[i] = (i * 3 % 7) - 2f;
		final ExplainRequest r = new ExplainRequest(TestData.network(TestData.testModel("linear-8x8")),
			ImagePlusAdapter.fromPlanes(new float[][] { x }, 8, 8), TargetSpec.index(1), ScoreKind.LOGIT);
		double logit = 0.5;
		for (int i = 0; i < 64; i++) logit += OcclusionSensitivityTest.weight(1, i) * x[i];
		final float[] map = ImagePlusAdapter.toChw(new Rise(7, 3, 1.0, 3, Fill.parse("zero", 0, false), 0).explain(r).map());
		for (final float v : map) assertEquals(logit, v, 1e-4);
		// a linear model: E[score] over masks is linear, and the mean of sum_i s_i m_i / (N p) over pixels
		// equals the mean of s_i * mean(m_i) / p, checked directly with the same masks
		final int masks = 9;
		final RiseMasks gen = new RiseMasks(8, 8, 3, 0.5, 21);
		final float[] m = new float[64];
		final double[] expected = new double[64];
		for (int k = 0; k < masks; k++) {
			gen.next(m, 0);
			double s = 0.5;
			for (int i = 0; i < 64; i++) s += OcclusionSensitivityTest.weight(1, i) * x[i] * m[i];
			for (int i = 0; i < 64; i++) expected[i] += s * m[i] / (masks * 0.5);
		}
		final float[] got = ImagePlusAdapter.toChw(new Rise(masks, 3, 0.5, 21, Fill.parse("zero", 0, false), 2).explain(r).map());
		final float[] exp = new float[64];
		for (int i = 0; i < 64; i++) exp[i] = (float) expected[i];
		assertRelativeClose(exp, got, 1e-5, "linear RISE by hand");
	}

	/**
	 * Large images (where the work is split over the cores): the masks equal a direct, one-pixel-at-a-time
	 * computation from the same java.util.Random stream (grid, then x and y offsets; bilinear upsampling
	 * with half-pixel centres and clamped borders, then the crop).
	 */
	@Test
	void largeMasksEqualTheDirectDefinition() {
		final int w = 330, h = 270, cell = 16;
		final double p = 0.5;
		final RiseMasks masks = new RiseMasks(w, h, cell, p, 99);
		final java.util.Random random = new java.util.Random(99);
		final int gw = (w + cell - 1) / cell + 1, gh = (h + cell - 1) / cell + 1;
		final float[] got = new float[w * h];
		for (int k = 0; k < 3; k++) {
			masks.next(got, 0);
			final float[] grid = new float[gw * gh];
			for (int i = 0; i < grid.length; i++) grid[i] = random.nextDouble() < p ? 1 : 0;
			final int dx = random.nextInt(cell), dy = random.nextInt(cell);
			final float[] expected = new float[w * h];
			for (int y = 0; y < h; y++) {
				final double sy = Math.max(0, (y + dy + 0.5) / cell - 0.5);
				final int j0 = (int) sy, j1 = Math.min(j0 + 1, gh - 1);
				for (int x = 0; x < w; x++) {
					final double sx = Math.max(0, (x + dx + 0.5) / cell - 0.5);
					final int i0 = (int) sx, i1 = Math.min(i0 + 1, gw - 1);
					final double top = grid[j0 * gw + i0] * (1 - (sx - i0)) + grid[j0 * gw + i1] * (sx - i0);
					final double bottom = grid[j1 * gw + i0] * (1 - (sx - i0)) + grid[j1 * gw + i1] * (sx - i0);
					expected[y * w + x] = (float) (top * (1 - (sy - j0)) + bottom * (sy - j0));
				}
			}
			assertRelativeClose(expected, got, 1e-6, "mask " + k);
		}
	}

	@Test
	void pixelChunksCoverEveryPixelOnce() {
		for (final int n : new int[] { 0, 1, 1000, PixelChunks.PARALLEL_FROM, 3 * PixelChunks.PARALLEL_FROM + 17 }) {
			final java.util.concurrent.atomic.AtomicIntegerArray seen = new java.util.concurrent.atomic.AtomicIntegerArray(n);
			PixelChunks.forEach(n, (from, to) -> {
				for (int i = from; i < to; i++) seen.incrementAndGet(i);
			});
			for (int i = 0; i < n; i++) assertEquals(1, seen.get(i), "pixel " + i + " of " + n);
		}
	}

	@Test
	void seedsGiveReproducibleAndDifferentMasks() {
		final float[] a = new float[100], b = new float[100], c = new float[100];
		new RiseMasks(10, 10, 4, 0.5, 1).next(a, 0);
		new RiseMasks(10, 10, 4, 0.5, 1).next(b, 0);
		new RiseMasks(10, 10, 4, 0.5, 2).next(c, 0);
		assertArrayEquals(a, b);
		assertTrue(!Arrays.equals(a, c));
	}

	@Test
	void badParametersSayWhatToDo() {
		final Fill zero = Fill.parse("zero", 0, false);
		assertTrue(assertThrows(ExplainException.class, () -> new Rise(0, 8, 0.5, 0, zero, 0)).getMessage().contains("masks must be at least 1"));
		assertTrue(assertThrows(ExplainException.class, () -> new Rise(10, 0, 0.5, 0, zero, 0)).getMessage().contains("cell must be at least 1"));
		assertTrue(assertThrows(ExplainException.class, () -> new Rise(10, 8, 0, 0, zero, 0)).getMessage().contains("must be in (0, 1]"));
		assertTrue(assertThrows(ExplainException.class, () -> new Rise(10, 8, 1.5, 0, zero, 0)).getMessage().contains("must be in (0, 1]"));
	}
}
