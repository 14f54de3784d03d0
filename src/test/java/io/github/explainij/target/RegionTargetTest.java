package io.github.explainij.target;

import static io.github.explainij.TestData.assertRelativeClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.explainij.ExplainException;
import io.github.explainij.TestData;
import io.github.explainij.image.ImagePlusAdapter;
import io.github.explainij.method.Attribution;
import io.github.explainij.method.Baselines;
import io.github.explainij.method.ExplainRequest;
import io.github.explainij.method.Progress;
import io.github.explainij.method.SaliencyMap;
import io.github.explainij.method.gradient.IntegratedGradients;
import io.github.explainij.method.gradient.Integration;
import io.github.explainij.method.perturbation.Fill;
import io.github.explainij.method.perturbation.OcclusionSensitivity;
import io.github.explainij.method.relevance.GuidedBackprop;
import io.github.explainij.method.relevance.Lrp;
import io.github.explainij.model.Network;

import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.type.numeric.real.FloatType;

import org.junit.jupiter.api.Test;

/**
 * Region targets on a dense, per-pixel linear model (src/test/resources/models/dense-linear: out[k] =
 * w[k] x + b[k], w = (1, -2, 0.5), b = (0, 1, -1), made by src/test/python/make_dense_models.py): the
 * mean region score of class k has gradient w[k] / |R| inside the region and 0 outside; the sum, w[k].
 */
class RegionTargetTest {

	static final float[] W = { 1f, -2f, 0.5f }, B = { 0f, 1f, -1f };
	static final int SIZE = 12, N = SIZE * SIZE;

	static float[] pixels() {
		final float[] x = new float[N];
		for (int i = 0; i < N; i++) x[i] = (float) (Math.sin(i * 0.61) * 3 + (i % 7) * 0.25);
		return x;
	}

	static float[] mask() {
		final float[] m = new float[N];
		for (int y = 3; y < 8; y++) for (int x = 2; x < 6; x++) m[y * SIZE + x] = 1;
		return m;
	}

	static ArrayImg<FloatType, FloatArray> image() {
		return ImagePlusAdapter.fromPlanes(new float[][] { pixels() }, SIZE, SIZE);
	}

	static Network net() {
		return TestData.network(TestData.testModel("dense-linear"));
	}

	static ExplainRequest request(final int k, final ScoreKind kind, final Region.Reduce reduce) {
		return new ExplainRequest(net(), image(), TargetSpec.index(k), kind,
			Region.of(mask(), new int[] { SIZE, SIZE }, reduce, "test region"), Progress.NONE);
	}

	static float[] map(final Attribution a) {
		return ImagePlusAdapter.toChw(a.map());
	}

	/** w[k] / |R| (mean) or w[k] (sum) inside, 0 outside, times {@code factor[i]}. */
	static float[] expected(final int k, final Region.Reduce reduce, final float[] factor) {
		final float[] m = mask(), e = new float[N];
		double area = 0;
		for (final float v : m) area += v;
		for (int i = 0; i < N; i++) e[i] = (float) (m[i] * W[k] / (reduce == Region.Reduce.MEAN ? area : 1) * (factor == null ? 1 : factor[i]));
		return e;
	}

	@Test
	void classScoresAreRegionMeansAndPredictedIsTheirArgmax() {
		final float[] x = pixels(), m = mask();
		final float[] mean = new float[3];
		double area = 0;
		for (final float v : m) area += v;
		for (int k = 0; k < 3; k++) {
			double s = 0;
			for (int i = 0; i < N; i++) s += m[i] * (W[k] * x[i] + B[k]);
			mean[k] = (float) (s / area);
		}
		final ExplainRequest r = new ExplainRequest(net(), image(), TargetSpec.predicted(), ScoreKind.LOGIT,
			Region.of(m, new int[] { SIZE, SIZE }, Region.Reduce.MEAN, "r"), Progress.NONE);
		assertTrue(r.isDense());
		assertRelativeClose(mean, r.logits(), 1e-6, "region mean logits");
		assertEquals(TargetSpec.argmax(mean), r.targetClass());
		assertEquals(mean[r.targetClass()], r.targetScore(), 1e-5);
	}

	@Test
	void saliencyIsTheWeightOverTheRegionSize() {
		for (int k = 0; k < 3; k++) {
			for (final Region.Reduce reduce : Region.Reduce.values()) {
				final Attribution a = new SaliencyMap(false, false).explain(request(k, ScoreKind.LOGIT, reduce));
				assertRelativeClose(expected(k, reduce, null), map(a), 1e-6, "saliency class " + k + " " + reduce);
				assertArrayZeroOutside(map(a));
			}
		}
	}

	@Test
	void probabilityGradientIsThePerPixelSoftmaxJacobian() {
		final float[] x = pixels(), m = mask();
		final int k = 2;
		double area = 0;
		for (final float v : m) area += v;
		final float[] e = new float[N];
		for (int i = 0; i < N; i++) {
			if (m[i] == 0) continue;
			final float[] p = TargetSpec.softmax(new float[] { W[0] * x[i] + B[0], W[1] * x[i] + B[1], W[2] * x[i] + B[2] });
			double mix = 0;
			for (int j = 0; j < 3; j++) mix += p[j] * W[j];
			e[i] = (float) (p[k] * (W[k] - mix) / area);
		}
		assertRelativeClose(e, map(new SaliencyMap(false, false).explain(request(k, ScoreKind.PROBABILITY, Region.Reduce.MEAN))), 1e-5,
			"probability region saliency");
	}

	@Test
	void integratedGradientsAndOcclusionOfALinearMapAreWeightTimesPixel() {
		final float[] x = pixels();
		for (final Region.Reduce reduce : Region.Reduce.values()) {
			final float[] e = expected(1, reduce, x);
			final Attribution ig = new IntegratedGradients(5, Integration.GAUSS_LEGENDRE, Baselines.ZERO, 1, 0, false)
				.explain(request(1, ScoreKind.LOGIT, reduce));
			assertRelativeClose(e, map(ig), 1e-5, "IG " + reduce);
			// a 1x1 window replaced by 0 removes exactly that pixel's w x / |R|
			final Attribution occ = new OcclusionSensitivity(1, 1, Fill.parse("zero", 0, false), 0).explain(request(1, ScoreKind.LOGIT, reduce));
			assertRelativeClose(e, map(occ), 1e-4, "occlusion " + reduce);
		}
	}

	@Test
	void relevanceMethodsReadTheRegion() {
		final float[] x = pixels();
		// no ReLU: guided backpropagation is the gradient
		assertRelativeClose(expected(0, Region.Reduce.MEAN, null),
			map(new GuidedBackprop(false).explain(request(0, ScoreKind.LOGIT, Region.Reduce.MEAN))), 1e-6, "guided backprop");
		// LRP-epsilon through out = w x + b: R_in = x w R_out / (w x + b), R_out = out / |R| inside the region
		final float[] m = mask(), e = new float[N];
		double area = 0;
		for (final float v : m) area += v;
		for (int i = 0; i < N; i++) {
			final double z = W[2] * x[i] + B[2];
			e[i] = (float) (m[i] * x[i] * W[2] * (z / area) / (z + Math.copySign(1e-6, z)));
		}
		final Attribution lrp = new Lrp("epsilon", 1e-6, 2, 1, false).explain(request(2, ScoreKind.LOGIT, Region.Reduce.MEAN));
		assertRelativeClose(e, map(lrp), 1e-4, "LRP epsilon over the region");
	}

	@Test
	void regionOnAClassifierAndEmptyRegionsAreRefused() {
		final float[] some = new float[64];
		some[9] = 1;
		final ExplainRequest r = new ExplainRequest(TestData.network(TestData.testModel("linear-8x8")),
			ImagePlusAdapter.fromPlanes(new float[][] { new float[64] }, 8, 8), TargetSpec.index(0), ScoreKind.LOGIT,
			Region.of(some, new int[] { 8, 8 }, Region.Reduce.MEAN, "x"), Progress.NONE);
		assertTrue(assertThrows(ExplainException.class, r::logits).getMessage().contains("one score per class [B, K], not a map"));
		assertTrue(assertThrows(ExplainException.class, () -> Region.of(new float[64], new int[] { 8, 8 }, Region.Reduce.MEAN, "empty"))
			.getMessage().contains("contains no pixel"));
		assertTrue(assertThrows(ExplainException.class, () -> Region.Reduce.parse("median")).getMessage().contains("mean or sum"));
	}

	private static void assertArrayZeroOutside(final float[] map) {
		final float[] m = mask();
		for (int i = 0; i < N; i++) if (m[i] == 0) assertEquals(0f, map[i], 0f, "outside the region at " + i);
	}
}
