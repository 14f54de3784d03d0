package io.github.explainij.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import ij.IJ;
import ij.ImagePlus;

import io.github.explainij.TestData;
import io.github.explainij.image.ImagePlusAdapter;
import io.github.explainij.method.Progress;
import io.github.explainij.model.Network;
import io.github.explainij.workflow.ImageFolder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dissection and influence numerics against src/test/python/make_inspect_dissect_fixtures.py: a model with
 * per-image (percentile) normalization and a pooled stage upsampled 2x; a final linear layer without bias
 * (weights' gradient only); a mislabelled training image is the most harmful for an image of its true class.
 */
class DissectionTest {

	@TempDir
	Path tmp;

	private static JsonObject fixture(final String name) throws Exception {
		return JsonParser.parseString(Files.readString(TestData.repo().resolve("src/test/resources/fixtures/inspect/dissect/" + name + ".json")))
			.getAsJsonObject();
	}

	private static void assertRelative(final double expected, final double actual, final String what) {
		assertEquals(expected, actual, 1e-4 * Math.abs(expected) + 1e-9, what);
	}

	@Test
	void dissectionOfAPercentileNormalizedModelsPooledStage() throws Exception {
		final JsonObject f = fixture("dissect_bn_pool1");
		final Network net = TestData.network(TestData.repo().resolve(f.get("model").getAsString()));
		final Dissection d = Dissection.of(net, ImageFolder.open(TestData.repo().resolve(f.get("folder").getAsString())), "pool1",
			f.get("quantile").getAsDouble(), Progress.NONE);
		assertEquals(f.get("channels").getAsInt(), d.channels());
		final JsonArray order = f.getAsJsonArray("order");
		for (int r = 0; r < order.size(); r++) {
			final Dissection.Unit u = d.ranked().get(r);
			final int c = order.get(r).getAsInt();
			assertEquals(c, u.channel, "channel of rank " + (r + 1));
			assertRelative(f.getAsJsonArray("thresholds").get(c).getAsDouble(), u.threshold, "threshold of channel " + c);
			assertRelative(f.getAsJsonArray("ious").get(c).getAsDouble(), u.iou, "IoU of channel " + c);
			assertRelative(f.getAsJsonArray("unions").get(c).getAsLong(), u.union, "union of channel " + c);
			assertEquals(f.getAsJsonArray("best_image").get(c).getAsString(), u.bestImage < 0 ? "" : d.entries().get(u.bestImage).name);
		}
		// where the best unit fires on its best image: the pixels above its threshold, at the image's size
		final Dissection.Unit best = d.ranked().get(0);
		final float[] up = d.upsampled(best, best.bestImage);
		final boolean[] fires = d.fires(best, best.bestImage);
		assertEquals(64 * 64, fires.length);
		int n = 0;
		for (int p = 0; p < up.length; p++) {
			assertEquals(up[p] > best.threshold, fires[p]);
			if (fires[p]) n++;
		}
		assertTrue(n > 0 && n < up.length, "the best unit fires somewhere, not everywhere: " + n);
	}

	/** A labelled folder of copies of sample images with the fixture's labels (labels.csv). */
	private Path labelledCopy(final JsonObject f) throws Exception {
		final Path dir = Files.createDirectories(tmp.resolve("train"));
		final StringBuilder csv = new StringBuilder("file,label\n");
		final JsonArray files = f.getAsJsonArray("files"), labels = f.getAsJsonArray("labels");
		for (int i = 0; i < files.size(); i++) {
			final String file = files.get(i).getAsString();
			Files.copy(TestData.repo().resolve(f.get("source_folder").getAsString()).resolve("images").resolve(file), dir.resolve(file));
			csv.append(file).append(',').append(labels.get(i).getAsString()).append('\n');
		}
		Files.writeString(dir.resolve("labels.csv"), csv);
		return dir;
	}

	private static Influence influence(final JsonObject f, final Path folder) {
		final Network net = TestData.network(TestData.repo().resolve(f.get("model").getAsString()));
		final ImagePlus image = IJ.openImage(TestData.repo().resolve(f.get("image").getAsString()).toString());
		return Influence.of(net, ImagePlusAdapter.planes(ImagePlusAdapter.currentPlanes(image)), image.getWidth(), image.getHeight(),
			ImageFolder.open(folder), Progress.NONE);
	}

	private static void assertEqualsReference(final JsonObject f, final Influence inf) {
		assertEquals(f.get("predicted").getAsInt(), inf.predicted());
		assertEquals(f.get("bias").getAsBoolean(), inf.bias());
		final JsonArray order = f.getAsJsonArray("order");
		final List<Influence.Example> ranked = inf.ranked();
		assertEquals(order.size(), ranked.size());
		for (int r = 0; r < order.size(); r++) {
			final int i = order.get(r).getAsInt();
			assertEquals(i, ranked.get(r).index, "image of rank " + (r + 1));
			assertRelative(f.getAsJsonArray("influences").get(i).getAsDouble(), ranked.get(r).influence, "influence of " + ranked.get(r).entry.name);
		}
	}

	@Test
	void aFinalLayerWithoutBiasUsesTheWeightsGradientOnly() throws Exception {
		final JsonObject f = fixture("influence_biasfree");
		final Influence inf = influence(f, labelledCopy(f));
		assertFalse(inf.bias());
		assertEqualsReference(f, inf);
	}

	@Test
	void aMislabelledTrainingImageIsTheMostHarmful() throws Exception {
		final JsonObject f = fixture("influence_mislabelled");
		final Influence inf = influence(f, labelledCopy(f));
		assertEqualsReference(f, inf);
		final Influence.Example last = inf.ranked().get(inf.ranked().size() - 1);
		assertEquals(f.get("mislabelled").getAsString(), last.entry.name);
		assertEquals("interphase", last.entry.label);
		assertEquals(1, last.predicted, "the model itself calls the mislabelled image mitotic");
		assertEquals(1, inf.predicted(), "the current image is mitotic");
		assertTrue(last.influence < 0);
	}

	@Test
	void lossGradientIsSoftmaxMinusOneHotWithoutCancellation() {
		// z = (0, ln 3): p = (1/4, 3/4); for y = 1, p - e_y = (1/4, -1/4)
		final double[] d = Influence.lossGradient(new float[] { 0, (float) Math.log(3) }, 1);
		assertEquals(0.25, d[0], 1e-7);
		assertEquals(-0.25, d[1], 1e-7);
		// a confident prediction: 1 - p_y = e^-30 / (1 + e^-30), computed without 1 - p
		final double[] c = Influence.lossGradient(new float[] { 30, 0 }, 0);
		assertEquals(-Math.exp(-30) / (1 + Math.exp(-30)), c[0], 1e-20);
	}
}
