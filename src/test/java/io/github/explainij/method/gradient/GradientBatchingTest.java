package io.github.explainij.method.gradient;

import static io.github.explainij.TestData.assertRelativeClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.explainij.TestData;
import io.github.explainij.image.ImagePlusAdapter;
import io.github.explainij.method.Attribution;
import io.github.explainij.method.ExplainRequest;
import io.github.explainij.method.Progress;
import io.github.explainij.method.gradient.SmoothGrad.Base;
import io.github.explainij.method.gradient.SmoothGrad.Variant;
import io.github.explainij.target.ScoreKind;
import io.github.explainij.target.TargetSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

import org.junit.jupiter.api.Test;

/**
 * The sampling methods give the same numbers for batch sizes 1, 7 and automatic (1e-5 relative), a
 * fixed seed reproduces SmoothGrad exactly, progress reaches the total and a cancel stops the run.
 */
class GradientBatchingTest {

	private static ExplainRequest request(final Progress progress) {
		return new ExplainRequest(TestData.network(TestData.model("cells-gap")),
			ImagePlusAdapter.currentPlanes(TestData.openSample("cells", "mitotic_003")), TargetSpec.index(1), ScoreKind.LOGIT, progress);
	}

	private static void sameForEveryBatchSize(final IntFunction<Attribution> run, final String what) {
		final float[] auto = ImagePlusAdapter.toChw(run.apply(0).map());
		assertRelativeClose(auto, ImagePlusAdapter.toChw(run.apply(1).map()), 1e-5, what + " batch 1");
		assertRelativeClose(auto, ImagePlusAdapter.toChw(run.apply(7).map()), 1e-5, what + " batch 7");
	}

	@Test
	void integratedGradientsDoesNotDependOnTheBatchSize() {
		final ExplainRequest r = request(Progress.NONE);
		sameForEveryBatchSize(b -> new IntegratedGradients(16, Integration.GAUSS_LEGENDRE, "mean", 1, b, false).explain(r), "IG");
	}

	@Test
	void interiorGradientsDoNotDependOnTheBatchSize() {
		final ExplainRequest r = request(Progress.NONE);
		sameForEveryBatchSize(b -> new InteriorGradients("0.1,0.2,...,1", false, b).explain(r), "interior");
	}

	@Test
	void smoothGradIsReproducibleForASeedWhateverTheBatchSize() {
		final ExplainRequest r = request(Progress.NONE);
		sameForEveryBatchSize(b -> new SmoothGrad(11, 0.15, Variant.VARGRAD, Base.SALIENCY, 5, false, b, false).explain(r), "vargrad");
		final float[] once = ImagePlusAdapter.toChw(new SmoothGrad(11, 0.15, Variant.SMOOTHGRAD, Base.SALIENCY, 5, false, 3, false).explain(r).map());
		final float[] again = ImagePlusAdapter.toChw(new SmoothGrad(11, 0.15, Variant.SMOOTHGRAD, Base.SALIENCY, 5, false, 3, false).explain(r).map());
		assertArrayEquals(once, again, "same seed, same batch size: identical");
		final float[] other = ImagePlusAdapter.toChw(new SmoothGrad(11, 0.15, Variant.SMOOTHGRAD, Base.SALIENCY, 6, false, 3, false).explain(r).map());
		double diff = 0, ref = 0;
		for (int i = 0; i < once.length; i++) {
			diff = Math.max(diff, Math.abs(once[i] - other[i]));
			ref = Math.max(ref, Math.abs(once[i]));
		}
		assertTrue(diff > 1e-3 * ref, "another seed draws other noise");
	}

	@Test
	void progressReachesTheTotalAndCancelStops() {
		final List<int[]> steps = new ArrayList<>();
		final Progress record = new Progress() {

			@Override
			public void update(final int done, final int total) {
				steps.add(new int[] { done, total });
			}

			@Override
			public boolean isCanceled() {
				return false;
			}
		};
		new IntegratedGradients(10, Integration.RIEMANN_MIDDLE, "zero", 1, 4, false).explain(request(record));
		assertEquals(4, steps.size()); // 0, 4, 8, 10
		assertArrayEquals(new int[] { 10, 10 }, steps.get(steps.size() - 1));
		final int[] calls = { 0 };
		final Progress cancelAfterFirstBatch = new Progress() {

			@Override
			public void update(final int done, final int total) {
				calls[0]++;
			}

			@Override
			public boolean isCanceled() {
				return calls[0] > 1;
			}
		};
		assertThrows(Progress.Cancelled.class,
			() -> new SmoothGrad(20, 0.1, Variant.SMOOTHGRAD, Base.SALIENCY, 1, false, 2, false).explain(request(cancelAfterFirstBatch)));
		assertFalse(calls[0] > 2, "stopped at the first batch boundary after the cancel");
	}

	@Test
	void automaticBatchSizeCountsTheLargerOfRawAndNetworkInput() {
		// 64x64 cells-gap: 16 KiB of input a sample, which the 64 MiB input budget allows thousands of, but
		// megabytes of measured activations and their gradients: the speed target (MemoryBudget.SPEED_ACTIVATION_BYTES)
		// keeps the batch well below the old cap of 64, the same for any total above it
		final ExplainRequest r = request(Progress.NONE);
		final int automatic = GradientBatches.batchSize(r, 0, 500);
		assertTrue(automatic >= 4 && automatic < 64, "automatic batch " + automatic);
		assertEquals(automatic, GradientBatches.batchSize(r, 0, automatic + 1));
		assertEquals(3, GradientBatches.batchSize(r, 0, 3));
		assertEquals(7, GradientBatches.batchSize(r, 7, 500));
	}
}
