package io.github.explainij.method.perturbation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.explainij.ExplainException;
import io.github.explainij.TestData;
import io.github.explainij.image.ImagePlusAdapter;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

class SlicTest {

	/** A w x h image of bw x bh blocks, block b (raster order) with value values[b], over c channels. */
	static float[] blocks(final int w, final int h, final int bw, final int bh, final int c, final float[] values) {
		final float[] img = new float[c * w * h];
		final int perRow = w / bw;
		for (int k = 0; k < c; k++) {
			for (int y = 0; y < h; y++) {
				for (int x = 0; x < w; x++) img[k * w * h + y * w + x] = values[(y / bh) * perRow + x / bw] * (k + 1);
			}
		}
		return img;
	}

	/** Asserts that the labels are exactly the blocks: one label per block, different labels for different blocks. */
	static void assertLabelsAreBlocks(final int[] labels, final int w, final int h, final int bw, final int bh) {
		final Map<Integer, Integer> labelOfBlock = new HashMap<>();
		final Set<Integer> used = new HashSet<>();
		for (int y = 0; y < h; y++) {
			for (int x = 0; x < w; x++) {
				final int block = (y / bh) * (w / bw) + x / bw;
				final int l = labels[y * w + x];
				final Integer known = labelOfBlock.putIfAbsent(block, l);
				if (known == null) assertTrue(used.add(l), "label " + l + " spans two blocks");
				else assertEquals(known.intValue(), l, "block " + block + " split at " + x + "," + y);
			}
		}
		assertEquals((w / bw) * (h / bh), Slic.count(labels));
	}

	@Test
	void piecewiseConstantBlocksAreRecovered() {
		final float[] values = new float[12];
		for (int i = 0; i < 12; i++) values[i] = 1000 + (i * 7 % 12) * 350; // 16-bit-like intensities
		final float[] img = blocks(64, 48, 16, 16, 1, values);
		assertLabelsAreBlocks(new Slic(12, 10).segment(img, 1, 64, 48), 64, 48, 16, 16);
		// the same for three channels, and for a scaled copy (intensities are rescaled to [0, 1] first)
		assertLabelsAreBlocks(new Slic(12, 10).segment(blocks(64, 48, 16, 16, 3, values), 3, 64, 48), 64, 48, 16, 16);
		final float[] scaled = img.clone();
		for (int i = 0; i < scaled.length; i++) scaled[i] = scaled[i] / 1000f;
		assertLabelsAreBlocks(new Slic(12, 10).segment(scaled, 1, 64, 48), 64, 48, 16, 16);
	}

	/** The 16 blocks of the LIME test model's regions (32x32, 8x8 blocks). */
	@Test
	void regionsOfTheLimeTestModel() {
		final float[] values = new float[16];
		for (int i = 0; i < 16; i++) values[i] = 10 + (i * 5 % 16) * 3;
		assertLabelsAreBlocks(new Slic(16, 10).segment(blocks(32, 32, 8, 8, 1, values), 1, 32, 32), 32, 32, 8, 8);
	}

	/**
	 * On a real cell image: about the requested number of superpixels, each one 4-connected, none under
	 * a quarter of the expected size.
	 */
	@Test
	void realImageGivesConnectedSuperpixels() {
		final float[] img = ImagePlusAdapter.toChw(ImagePlusAdapter.currentPlanes(TestData.openSample("cells", "mitotic_002")));
		final int[] labels = new Slic(50, 10).segment(img, 1, 64, 64);
		final int count = Slic.count(labels);
		assertTrue(count >= 30 && count <= 70, "superpixels: " + count);
		final int[] size = new int[count];
		for (final int l : labels) size[l]++;
		for (int l = 0; l < count; l++) {
			assertTrue(size[l] >= 64 * 64 / 50 / 4, "superpixel " + l + " has " + size[l] + " pixels");
			assertEquals(size[l], componentSize(labels, 64, 64, l), "superpixel " + l + " is not connected");
		}
	}

	private static int componentSize(final int[] labels, final int w, final int h, final int l) {
		int start = -1;
		for (int i = 0; i < labels.length; i++) if (labels[i] == l) { start = i; break; }
		final boolean[] seen = new boolean[labels.length];
		final java.util.ArrayDeque<Integer> q = new java.util.ArrayDeque<>();
		q.add(start);
		seen[start] = true;
		int n = 0;
		while (!q.isEmpty()) {
			final int p = q.poll();
			n++;
			final int x = p % w, y = p / w;
			for (final int nb : new int[] { x > 0 ? p - 1 : -1, x < w - 1 ? p + 1 : -1, y > 0 ? p - w : -1, y < h - 1 ? p + w : -1 }) {
				if (nb >= 0 && !seen[nb] && labels[nb] == l) {
					seen[nb] = true;
					q.add(nb);
				}
			}
		}
		return n;
	}

	@Test
	void smallPiecesAreMerged() {
		// label 1 is a 1-pixel island inside label 0 and a second piece of label 0 is separated by label 2
		final int[] labels = { 0, 0, 0, 2, 0, 0, 1, 0, 2, 0, 0, 0, 0, 2, 0 };
		final int[] out = Slic.connected(labels, 5, 3, 2);
		// the island (pixel 6) joins its neighbour; the two big pieces of label 0 become two superpixels
		assertEquals(out[1], out[6]);
		assertEquals(3, Slic.count(out));
	}

	@Test
	void badParameters() {
		assertTrue(assertThrows(ExplainException.class, () -> new Slic(0, 10)).getMessage().contains("segments must be at least 1"));
		assertTrue(assertThrows(ExplainException.class, () -> new Slic(10, 0)).getMessage().contains("compactness must be a positive number"));
	}
}
