package io.github.explainij.model;

import static io.github.explainij.TestData.assertRelativeClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import io.github.explainij.TestData;
import io.github.explainij.target.ClassScore;
import io.github.explainij.target.ScoreKind;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The autograd traps of DESIGN.md, checked on the shipped models. If a DJL upgrade changes how
 * {@link TorchScriptCalls} runs methods, these fail loudly: gradients would be zero, or BatchNorm /
 * Dropout would leave eval mode and logits would change between calls.
 */
class NetworkTest {

	private static float[] pixels(final int n, final float scale) {
		final float[] x = new float[n];
		for (int i = 0; i < n; i++) x[i] = 200 + scale * (float) ((i * 2654435761L % 1000) / 1000.0);
		return x;
	}

	/** Backward passes compute the input's gradient only: no weight of the loaded module requires a gradient. */
	@Test
	void parametersAreLoadedWithoutGradients() {
		final Network net = TestData.network(TestData.model("cells-bn"));
		for (final String name : List.of("stages.0.weight", "stages.0.bias", "stages.1.weight", "stages.9.weight")) {
			final NDArray w = net.parameter(name);
			assertTrue(w != null, name + " is a parameter of cells-bn");
			assertEquals(false, w.hasGradient(), name + " requires no gradient");
		}
	}

	@Test
	void gradientIsNonZeroAndLogitsStayInEvalMode() {
		final Network net = TestData.network(TestData.model("cells-bn"));
		final float[] x = pixels(64 * 64, 3000);
		final Shape shape = new Shape(1, 1, 64, 64);
		final InputTransform t = net.transformFor(new float[][] { x });
		final float[] before = net.logits(x, shape, t);
		// the logits seen while recording gradients are the eval-mode logits (Dropout off, BatchNorm running stats)
		final float[] withGrad = new float[before.length];
		for (int k = 0; k < before.length; k++) withGrad[k] = net.scoreGradient(x, shape, t, ClassScore.of(k, ScoreKind.LOGIT)).scores()[0];
		assertRelativeClose(before, withGrad, 1e-6, "logits with grad on");
		final Network.ScoreGradient g = net.scoreGradient(x, shape, t, ClassScore.of(1, ScoreKind.LOGIT));
		assertArrayEquals(before, net.logits(x, shape, t), "logits after a gradient pass");
		double norm = 0;
		for (final float v : g.gradient()) norm += v * v;
		assertTrue(norm > 0, "gradient is all zero: DJL ran the module without autograd");
		assertEquals(before[1], g.scores()[0], 1e-6);
	}

	@Test
	void batchedGradientsEqualOneAtATime() {
		final Network net = TestData.network(TestData.model("cells-gap"));
		final float[] a = pixels(32 * 32, 2000), b = pixels(32 * 32, 500);
		final InputTransform t = net.transformFor(new float[][] { a });
		final float[] both = new float[2 * a.length];
		System.arraycopy(a, 0, both, 0, a.length);
		System.arraycopy(b, 0, both, a.length, b.length);
		final ClassScore target = ClassScore.of(3, ScoreKind.PROBABILITY);
		final Network.ScoreGradient batch = net.scoreGradient(both, new Shape(2, 1, 32, 32), t, target);
		final float[] ga = net.scoreGradient(a, new Shape(1, 1, 32, 32), t, target).gradient();
		final float[] gb = net.scoreGradient(b, new Shape(1, 1, 32, 32), t, target).gradient();
		final float[] joined = new float[both.length];
		System.arraycopy(ga, 0, joined, 0, ga.length);
		System.arraycopy(gb, 0, joined, ga.length, gb.length);
		assertRelativeClose(joined, batch.gradient(), 1e-5, "batched gradient");
	}

	@Test
	void stagesFollowTheExplainableConvention() {
		final Network net = TestData.network(TestData.model("cells-gap"));
		assertTrue(net.hasStages());
		assertEquals(List.of("conv1", "relu1", "pool1", "conv2", "relu2", "pool2", "conv3", "relu3", "gap", "flatten", "fc"), net.layerNames());
		assertEquals(List.of("conv", "relu", "maxpool", "conv", "relu", "maxpool", "conv", "relu", "avgpool", "flatten", "linear"),
			net.layerKinds());
		assertEquals(7, net.stageIndex("relu3"));
		final float[] x = pixels(48 * 40, 1500);
		try (NDManager m = net.manager().newSubManager()) {
			final NDArray input = net.transformFor(new float[][] { x }).apply(m.create(x, new Shape(1, 1, 48, 40)));
			final NDArray full = net.forward(input, false);
			final NDArray mid = net.forwardLayers(input, 0, 8, false);
			assertArrayEquals(new long[] { 1, 64, 12, 10 }, mid.getShape().getShape());
			final NDArray rest = net.forwardLayers(mid, 8, net.layerNames().size(), false);
			assertRelativeClose(full.toFloatArray(), rest.toFloatArray(), 1e-6, "forward == forward_layers chained");
		}
	}

	@Test
	void aFailedNativeAllocationIsNamedAsMemoryNotAsTheImagesShape() {
		// libtorch's CPU and CUDA allocators say so in these words
		assertTrue(Network.isNativeOutOfMemory("[enforce fail at alloc_cpu.cpp:114] data. DefaultCPUAllocator: can't allocate memory: " +
			"you tried to allocate 68719476736 bytes. Error code 12 (Cannot allocate memory)"));
		assertTrue(Network.isNativeOutOfMemory("CUDA out of memory. Tried to allocate 2.00 GiB"));
		assertTrue(!Network.isNativeOutOfMemory("Given groups=1, weight of size [16, 1, 3, 3], expected input[1, 3, 64, 64] to have 1 channels"));
	}

	@Test
	void finiteCheckSeesEveryNanAndInfinityButNotAnOverflowingSum() {
		final Network net = TestData.network(TestData.model("cells-gap"));
		try (NDManager scope = net.manager().newSubManager()) {
			final float[] v = new float[4096];
			for (int i = 0; i < v.length; i++) v[i] = (float) Math.sin(i) * 1e3f;
			assertTrue(Network.allFinite(scope.create(v, new Shape(1, 4, 32, 32))));
			for (final float bad : new float[] { Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY }) {
				final float[] w = v.clone();
				w[1234] = bad;
				assertEquals(false, Network.allFinite(scope.create(w, new Shape(1, 4, 32, 32))), "with " + bad);
			}
			// +inf and -inf together sum to NaN, NaN with infinities too: still refused
			final float[] both = v.clone();
			both[1] = Float.POSITIVE_INFINITY;
			both[2] = Float.NEGATIVE_INFINITY;
			assertEquals(false, Network.allFinite(scope.create(both, new Shape(4096))));
			// finite values whose float32 sum overflows are finite
			final float[] huge = new float[] { 3e38f, 3e38f, 3e38f, -1f };
			assertTrue(Network.allFinite(scope.create(huge, new Shape(4))));
		}
	}
}
