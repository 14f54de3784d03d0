package io.github.explainij.method.perturbation;

import static io.github.explainij.TestData.assertRelativeClose;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ij.IJ;
import ij.ImagePlus;

import io.github.explainij.TestData;
import io.github.explainij.image.ImagePlusAdapter;
import io.github.explainij.method.ExplainRequest;
import io.github.explainij.method.Progress;
import io.github.explainij.target.Region;
import io.github.explainij.target.ScoreKind;
import io.github.explainij.target.TargetSpec;

import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * RISE for volumes: the 3-D masks are the grid of cells drawn from the seeded stream (plane by plane,
 * then the x, y and z offsets) upsampled trilinearly at half-pixel centres, computed here voxel by voxel;
 * and with every cell kept (p = 1) the map is the score itself, everywhere.
 */
class Rise3dTest {

	/** 1-D position of output sample o (shifted) on a grid of n cells of size cell: {index, weight}. */
	private static double[] at(final int o, final int shift, final int cell, final int n) {
		final double src = Math.max(0, (o + shift + 0.5) / cell - 0.5);
		final int i = Math.min((int) Math.floor(src), n - 1);
		return new double[] { i, i + 1 < n ? src - i : 0 };
	}

	@Test
	void volumeMasksAreTheTrilinearUpsampledGrid() {
		final int w = 11, h = 7, d = 5, cell = 3;
		final double p = 0.4;
		final RiseMasks masks = new RiseMasks(w, h, d, cell, p, 99);
		final float[] out = new float[2 * w * h * d];
		masks.next(out, 0);
		masks.next(out, w * h * d);
		final int gw = (w + cell - 1) / cell + 1, gh = (h + cell - 1) / cell + 1, gd = (d + cell - 1) / cell + 1;
		assertEquals(gd, masks.gridDepth());
		final Random random = new Random(99);
		for (int m = 0; m < 2; m++) {
			final double[] grid = new double[gd * gh * gw];
			for (int i = 0; i < grid.length; i++) grid[i] = random.nextDouble() < p ? 1 : 0;
			final int dx = random.nextInt(cell), dy = random.nextInt(cell), dz = random.nextInt(cell);
			final float[] expected = new float[w * h * d];
			for (int z = 0; z < d; z++) {
				for (int y = 0; y < h; y++) {
					for (int x = 0; x < w; x++) {
						final double[] px = at(x, dx, cell, gw), py = at(y, dy, cell, gh), pz = at(z, dz, cell, gd);
						double v = 0;
						for (int k = 0; k < 2; k++) {
							for (int j = 0; j < 2; j++) {
								for (int i = 0; i < 2; i++) {
									final double weight = (k == 0 ? 1 - pz[1] : pz[1]) * (j == 0 ? 1 - py[1] : py[1]) * (i == 0 ? 1 - px[1] : px[1]);
									final int gz = Math.min((int) pz[0] + k, gd - 1), gy = Math.min((int) py[0] + j, gh - 1),
										gx = Math.min((int) px[0] + i, gw - 1);
									v += weight * grid[(gz * gh + gy) * gw + gx];
								}
							}
						}
						expected[(z * h + y) * w + x] = (float) v;
					}
				}
			}
			final float[] actual = java.util.Arrays.copyOfRange(out, m * w * h * d, (m + 1) * w * h * d);
			assertRelativeClose(expected, actual, 1e-6, "mask " + m);
		}
	}

	@Test
	void keepingEveryCellGivesTheScoreEverywhere() {
		final ImagePlus volume = IJ.openImage(TestData.repo().resolve("src/test/resources/fixtures/volume/volume.tif").toString());
		final ExplainRequest r = ExplainRequest.volume(TestData.network(TestData.testModel("tiny-3d")), ImagePlusAdapter.volumeAt(volume, 1),
			volume.getWidth(),
			volume.getHeight(), volume.getNSlices(), 1, TargetSpec.index(1), ScoreKind.LOGIT, Region.whole(Region.Reduce.MEAN), Progress.NONE);
		final float[] map = ImagePlusAdapter.toChw(new Rise(16, 4, 1.0, 3, Fill.parse("zero", 0, false), 0).explain(r).map());
		assertEquals(volume.getWidth() * volume.getHeight() * volume.getNSlices(), map.length);
		final float[] expected = new float[map.length];
		java.util.Arrays.fill(expected, r.targetScore());
		assertRelativeClose(expected, map, 1e-5, "p = 1");
	}
}
