package io.github.explainij.method.perturbation;

import static io.github.explainij.TestData.assertRelativeClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.explainij.ExplainException;
import io.github.explainij.TestData;
import io.github.explainij.image.ImagePlusAdapter;
import io.github.explainij.method.ExplainRequest;
import io.github.explainij.method.Progress;
import io.github.explainij.target.ScoreKind;
import io.github.explainij.target.TargetSpec;

import net.imglib2.img.array.ArrayImgs;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Occlusion against a plain-torch copy of Captum's Occlusion on the saved TorchScript files
 * (make_perturbation_fixtures.py): every fill, windows cut at the border, a fixed-size model fed another
 * size through the percentile normalization and the resize, RGB, logit and probability.
 */
class OcclusionSensitivityTest {

	private static OcclusionSensitivity method(final PerturbationFixture f, final int batch) {
		return new OcclusionSensitivity(f.integer("window"), f.integer("stride"), Fill.parse(f.text("fill"), f.number("fill_value"), false), batch);
	}

	@ParameterizedTest
	@ValueSource(strings = { "occ_gap_logit", "occ_gap_prob_edges", "occ_bn_resized_blur", "occ_bn_percentile", "occ_rgb_value" })
	void matchesCaptumOcclusion(final String name) {
		final PerturbationFixture f = PerturbationFixture.load(name);
		final OcclusionSensitivity.Result r = method(f, 0).explainWithWindows(f.request());
		assertRelativeClose(f.floats("attribution"), ImagePlusAdapter.toChw(r.attribution().map()), 1e-4, name + " attribution");
		assertEquals(f.integer("columns"), r.columns());
		assertEquals(f.integer("rows"), r.rows());
		assertRelativeClose(f.floats("window_map"), r.windowMap(), 1e-4, name + " window map");
		assertEquals(f.target, r.attribution().targetClass());
		assertEquals(Integer.toString(r.columns() * r.rows() + 1), r.attribution().results().get("forward_passes"));
		assertTrue(r.attribution().signed());
	}

	/** Full passes (incremental=off; IncrementalOcclusionTest checks the batches of incremental inference). */
	@Test
	void sameNumbersForEveryBatchSize() {
		final PerturbationFixture f = PerturbationFixture.load("occ_gap_prob_edges");
		final Fill fill = Fill.parse(f.text("fill"), f.number("fill_value"), false);
		final float[] auto = ImagePlusAdapter.toChw(new OcclusionSensitivity(f.integer("window"), f.integer("stride"), 1, 1, fill, 0,
			OcclusionSensitivity.INCREMENTAL_OFF).explain(f.request()).map());
		for (final int batch : new int[] { 1, 5 }) {
			assertRelativeClose(auto, ImagePlusAdapter.toChw(new OcclusionSensitivity(f.integer("window"), f.integer("stride"), 1, 1, fill,
				batch, OcclusionSensitivity.INCREMENTAL_OFF).explain(f.request()).map()), 1e-5, "batch " + batch);
		}
	}

	/**
	 * Hand-computable: on the linear 8x8 model (logit_k = W[k] . x + b) with a zero fill, the drop for a
	 * window is the sum of W[k, i] x_i over its pixels, so each pixel gets the mean of those sums over
	 * the windows covering it.
	 */
	@Test
	void linearModelByHand() {
		final float[] x = new float[64];
		for (int i = 0; i < 64; i++) x[i] = (i % 5) - 1.5f;
		final ExplainRequest r = new ExplainRequest(TestData.network(TestData.testModel("linear-8x8")),
			ImagePlusAdapter.fromPlanes(new float[][] { x }, 8, 8), TargetSpec.index(2), ScoreKind.LOGIT);
		final float[] map = ImagePlusAdapter.toChw(new OcclusionSensitivity(3, 2, Fill.parse("zero", 0, false), 0).explain(r).map());
		// windows at 0, 2, 4, 6 along each axis (ceil((8-3)/2)+1 = 4), the last one cut to 2 pixels
		final double[] sum = new double[64];
		final int[] count = new int[64];
		for (int y0 = 0; y0 <= 6; y0 += 2) {
			for (int x0 = 0; x0 <= 6; x0 += 2) {
				double drop = 0;
				for (int y = y0; y < Math.min(8, y0 + 3); y++) for (int xx = x0; xx < Math.min(8, x0 + 3); xx++) drop += weight(2, y * 8 + xx) * x[y * 8 + xx];
				for (int y = y0; y < Math.min(8, y0 + 3); y++) for (int xx = x0; xx < Math.min(8, x0 + 3); xx++) {
					sum[y * 8 + xx] += drop;
					count[y * 8 + xx]++;
				}
			}
		}
		final float[] expected = new float[64];
		for (int i = 0; i < 64; i++) expected[i] = (float) (sum[i] / count[i]);
		assertRelativeClose(expected, map, 1e-5, "linear occlusion");
		// a window covering the whole image: every pixel gets logit(x) - logit(0) = W . x
		final float[] whole = ImagePlusAdapter.toChw(new OcclusionSensitivity(8, 8, Fill.parse("zero", 0, false), 0).explain(r).map());
		double dot = 0;
		for (int i = 0; i < 64; i++) dot += weight(2, i) * x[i];
		for (final float v : whole) assertEquals(dot, v, 1e-4);
	}

	/** make_fixtures.py's linear-8x8 weights. */
	static double weight(final int k, final int i) {
		return ((i * 7 + k * 13) % 17 - 8) / 10.0;
	}

	@Test
	void badParametersSayWhatToDo() {
		assertTrue(assertThrows(ExplainException.class, () -> new OcclusionSensitivity(0, 1, Fill.parse("zero", 0, false), 0))
			.getMessage().contains("window must be at least 1 pixel"));
		assertTrue(assertThrows(ExplainException.class, () -> new OcclusionSensitivity(4, 8, Fill.parse("zero", 0, false), 0))
			.getMessage().contains("must not exceed the window"));
		assertTrue(assertThrows(ExplainException.class, () -> new OcclusionSensitivity(4, 2, Fill.parse("zero", 0, false), -1))
			.getMessage().contains("batch_size must be 0"));
		assertTrue(assertThrows(ExplainException.class, () -> Fill.parse("grey", 0, false)).getMessage()
			.contains("fill must be zero, mean, blur or value, not 'grey'"));
		final ExplainRequest small = new ExplainRequest(TestData.network(TestData.testModel("linear-8x8")),
			ArrayImgs.floats(new float[64], 8, 8), TargetSpec.index(0), ScoreKind.LOGIT);
		assertTrue(assertThrows(ExplainException.class, () -> new OcclusionSensitivity(9, 2, Fill.parse("zero", 0, false), 0).explain(small))
			.getMessage().contains("larger than the image"));
	}

	@Test
	void cancellationStopsBetweenBatches() {
		final PerturbationFixture f = PerturbationFixture.load("occ_gap_logit");
		final AtomicInteger updates = new AtomicInteger();
		final Progress cancelAfterTwo = new Progress() {

			@Override
			public void update(final int done, final int total) {
				updates.incrementAndGet();
			}

			@Override
			public boolean isCanceled() {
				return updates.get() > 2;
			}
		};
		final ExplainRequest r = new ExplainRequest(TestData.network(f.model), f.image, TargetSpec.index(f.target), ScoreKind.LOGIT, cancelAfterTwo);
		assertThrows(Progress.Cancelled.class, () -> new OcclusionSensitivity(16, 8, Fill.parse("zero", 0, false), 4).explain(r));
		assertEquals(3, updates.get(), "stopped at the first check after cancelling");
	}

	@Test
	void windowPositionsAsCaptum() {
		assertEquals(7, OcclusionSensitivity.positions(64, 16, 8));
		assertEquals(9, OcclusionSensitivity.positions(50, 12, 5));
		assertEquals(1, OcclusionSensitivity.positions(8, 8, 8));
	}

}
