package io.github.explainij.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.explainij.TestData;
import io.github.explainij.method.Progress;
import io.github.explainij.model.Network;
import io.github.explainij.workflow.ImageFolder;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The folder streamer: every image once, in folder order, in batches of at most MAX_BATCH; and each
 * image's activations equal those of the image run alone, also with the per-image percentile
 * normalization of cells-bn (whose images must not share one transform).
 */
class FolderActivationsTest {

	private static final ImageFolder CELLS = ImageFolder.open(TestData.repo().resolve("sample-data/cells"));

	private static List<String> stream(final Network net, final String layer, final List<Integer> batches, final List<float[]> values) {
		final List<String> seen = new ArrayList<>();
		FolderActivations.forEach(net, CELLS, net.stageIndex(layer), Progress.NONE, (images, a) -> {
			batches.add(images.size());
			final int per = (int) (a.shape().size() / a.shape().get(0));
			assertEquals(images.size(), a.shape().get(0));
			for (int b = 0; b < images.size(); b++) {
				seen.add(images.get(b).entry.name);
				values.add(Arrays.copyOfRange(a.values(), b * per, (b + 1) * per));
			}
		});
		return seen;
	}

	@Test
	void everyImageOnceInOrderInBoundedBatches() {
		final Network net = TestData.network(TestData.model("cells-gap"));
		final List<Integer> batches = new ArrayList<>();
		final List<float[]> values = new ArrayList<>();
		final List<String> seen = stream(net, "relu3", batches, values);
		assertEquals(CELLS.entries().stream().map(e -> e.name).toList(), seen);
		assertEquals(48, batches.stream().mapToInt(Integer::intValue).sum());
		assertTrue(batches.stream().allMatch(b -> b <= FolderActivations.MAX_BATCH), batches.toString());
		assertTrue(batches.get(0) > 1, "batched: " + batches);
		for (final int i : new int[] { 0, 20, 47 }) {
			final ImageFolder.Image im = ImageFolder.read(CELLS.entries().get(i));
			final float[] alone = FolderActivations.ofImage(net, im.planes, im.width, im.height, net.stageIndex("relu3")).values();
			TestData.assertRelativeClose(alone, values.get(i), 1e-5, "relu3 of " + im.entry.name);
		}
	}

	@Test
	void perImageNormalizationRunsEachImageWithItsOwnTransform() {
		final Network net = TestData.network(TestData.model("cells-bn"));
		final List<Integer> batches = new ArrayList<>();
		final List<float[]> values = new ArrayList<>();
		stream(net, "relu2", batches, values);
		assertEquals(48, values.size());
		for (final int i : new int[] { 1, 30 }) {
			final ImageFolder.Image im = ImageFolder.read(CELLS.entries().get(i));
			final float[] alone = FolderActivations.ofImage(net, im.planes, im.width, im.height, net.stageIndex("relu2")).values();
			TestData.assertRelativeClose(alone, values.get(i), 1e-5, "relu2 of " + im.entry.name);
		}
	}
}
