package io.github.explainij.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.Shape;

import ij.IJ;
import ij.ImagePlus;
import ij.process.ColorProcessor;

import io.github.explainij.ExplainException;
import io.github.explainij.TestData;
import io.github.explainij.method.Progress;
import io.github.explainij.model.Network;
import io.github.explainij.workflow.ImageFolder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The folder streamer: every image once, in folder order, with the activations the image gives alone
 * (batched or not), also with the per-image percentile normalization of cells-bn (whose images must not
 * share one transform); an image the model cannot take is named.
 */
class StageOutputsTest {

	private static final ImageFolder CELLS = ImageFolder.open(TestData.repo().resolve("sample-data/cells"));

	@TempDir
	Path tmp;

	private static List<float[]> stream(final Network net, final String layer, final List<String> seen) {
		final List<float[]> values = new ArrayList<>();
		StageOutputs.forEach(net, CELLS, new int[] { net.stageIndex(layer) }, Progress.NONE, (image, outputs, shapes) -> {
			assertEquals(1, shapes[0].get(0));
			seen.add(image.entry.name);
			values.add(outputs[0]);
		});
		return values;
	}

	private static float[] alone(final Network net, final int i, final String layer) {
		final ImageFolder.Image im = ImageFolder.read(CELLS.entries().get(i));
		return StageOutputs.of(net, im.planes, im.width, im.height, new int[] { net.stageIndex(layer) }, new Shape[1])[0];
	}

	@Test
	void everyImageOnceInOrderWithItsOwnActivations() {
		final Network net = TestData.network(TestData.model("cells-gap"));
		final List<String> seen = new ArrayList<>();
		final List<float[]> values = stream(net, "relu3", seen);
		assertEquals(CELLS.entries().stream().map(e -> e.name).toList(), seen);
		for (final int i : new int[] { 0, 20, 47 }) TestData.assertRelativeClose(alone(net, i, "relu3"), values.get(i), 1e-5, "relu3 of image " + i);
	}

	@Test
	void perImageNormalizationRunsEachImageWithItsOwnTransform() {
		final Network net = TestData.network(TestData.model("cells-bn"));
		final List<float[]> values = stream(net, "relu2", new ArrayList<>());
		assertEquals(48, values.size());
		for (final int i : new int[] { 1, 30 }) TestData.assertRelativeClose(alone(net, i, "relu2"), values.get(i), 1e-5, "relu2 of image " + i);
	}

	@Test
	void anImageTheModelCannotTakeIsNamed() throws Exception {
		Files.copy(TestData.sample("cells", "foci_000"), tmp.resolve("a.tif"));
		IJ.saveAsTiff(new ImagePlus("b", new ColorProcessor(64, 64)), tmp.resolve("b.tif").toString()); // 3 channels
		final Network net = TestData.network(TestData.model("cells-gap"));
		final String why = assertThrows(ExplainException.class, () -> StageOutputs.forEach(net, ImageFolder.open(tmp), new int[] { 1 },
			Progress.NONE, (image, outputs, shapes) -> {})).getMessage();
		assertTrue(why.startsWith("the image b.tif of " + tmp + ": ") && why.contains("channel"), why);
	}
}
