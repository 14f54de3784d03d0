package io.github.explainij.command;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import ij.IJ;
import ij.ImagePlus;
import ij.measure.ResultsTable;

import io.github.explainij.ExplainException;
import io.github.explainij.TestData;
import io.github.explainij.inspect.ReceptiveField;
import io.github.explainij.model.Network;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.module.Module;

/**
 * Dataset search, nearest examples and activation space against the NumPy / PyTorch references of
 * make_inspect_folder_fixtures.py (cells-gap on sample-data/cells and a 12-image copy of it): ranks and
 * files identical, values to 1e-4 relative; receptive fields equal the analytic ones; bad input gets one line.
 */
class FolderCommandsTest extends CommandTestContext {

	private static JsonObject ref;
	private static Path subset;

	@TempDir
	static Path tmp;

	@BeforeAll
	static void fixtures() throws IOException {
		ref = JsonParser.parseString(Files.readString(TestData.repo().resolve("src/test/resources/fixtures/inspect/folder/references.json")))
			.getAsJsonObject();
		subset = Files.createDirectories(tmp.resolve("subset"));
		final StringBuilder csv = new StringBuilder("file,label\n");
		final JsonObject labels = ref.getAsJsonObject("labels");
		for (final JsonElement e : ref.getAsJsonArray("subset")) {
			final String f = e.getAsString();
			Files.copy(TestData.repo().resolve("sample-data/cells/images/" + f), subset.resolve(f));
			csv.append(f).append(',').append(labels.get(f).getAsString()).append('\n');
		}
		Files.writeString(subset.resolve("labels.csv"), csv, StandardCharsets.UTF_8);
	}

	private static Path model() {
		return TestData.repo().resolve(ref.get("model").getAsString());
	}

	private static String refusal(final String command, final ImagePlus image, final Map<String, String> params) {
		final Module m = run(command, image, model(), params);
		final String why = ExplainCommands.cancelReason(m);
		assertNotNull(why, command + " should refuse " + params);
		assertTrue(!why.contains("\n") && !why.contains("Exception"), "one plain line: " + why);
		return why;
	}

	private static void assertRelative(final double expected, final double actual, final String what) {
		assertEquals(expected, actual, 1e-4 * Math.abs(expected) + 1e-6, what);
	}

	private static void checkSearch(final JsonObject expected, final ResultsTable t, final ImagePlus patches) {
		final JsonArray hits = expected.getAsJsonArray("hits");
		assertEquals(hits.size(), t.size());
		assertEquals(hits.size(), patches.getStackSize());
		for (int i = 0; i < hits.size(); i++) {
			final JsonObject h = hits.get(i).getAsJsonObject();
			assertEquals(h.get("rank").getAsInt(), (int) t.getValue("rank", i));
			assertEquals(h.get("file").getAsString(), t.getStringValue("file", i), "rank " + (i + 1));
			assertEquals(h.get("x").getAsInt(), (int) t.getValue("x", i), "x of rank " + (i + 1));
			assertEquals(h.get("y").getAsInt(), (int) t.getValue("y", i), "y of rank " + (i + 1));
			assertRelative(h.get("activation").getAsDouble(), t.getValue("activation", i), "activation of rank " + (i + 1));
			final int[] field = TestData.ints(h.getAsJsonArray("field"));
			assertArrayEquals(field, new int[] { (int) t.getValue("patch_x0", i), (int) t.getValue("patch_y0", i),
				(int) t.getValue("patch_x1", i), (int) t.getValue("patch_y1", i) }, "receptive field of rank " + (i + 1));
		}
	}

	@Test
	void datasetSearchOverSampleCellsEqualsTheReferenceAndFindsThePreferredPhenotype() {
		final JsonObject expected = ref.getAsJsonObject("dataset_search");
		final AnalysisResults r = results(run("dataset-search", null, model(), Map.of(Options.INPUT_DIR,
			TestData.repo().resolve("sample-data/cells").toString(), "layer", "relu3", "channel", expected.get("channel").getAsString())));
		final ResultsTable t = r.table();
		final ImagePlus patches = r.main();
		checkSearch(expected, t, patches);
		assertEquals("48", r.properties().get("images_searched"));
		// the most class-selective unit of relu3 finds mostly images of its phenotype
		final String phenotype = expected.get("phenotype").getAsString();
		int same = 0;
		for (int i = 0; i < t.size(); i++) {
			if (phenotype.equals(t.getStringValue("label", i))) same++;
		}
		assertTrue(same >= 7, same + " of 9 images are " + phenotype);
		// interior hits: the whole 18 x 18 field, the pixels of the image under it
		assertEquals(18, patches.getWidth());
		assertEquals(18, patches.getHeight());
		final ImagePlus first = IJ.openImage(TestData.repo().resolve("sample-data/cells/images/" + t.getStringValue("file", 0)).toString());
		final int x0 = (int) t.getValue("patch_x0", 0), y0 = (int) t.getValue("patch_y0", 0);
		final float[] slice = (float[]) patches.getStack().getProcessor(1).getPixels();
		for (int y = 0; y < 18; y++) {
			for (int x = 0; x < 18; x++) {
				assertEquals(first.getProcessor().getPixelValue(x0 + x, y0 + y), slice[y * 18 + x], 0, "patch pixel " + x + "," + y);
			}
		}
	}

	@Test
	void datasetSearchOnASmallFolderEqualsTheReference() {
		final JsonObject expected = ref.getAsJsonObject("dataset_search_subset");
		final AnalysisResults r = results(run("dataset-search", null, model(), Map.of(Options.INPUT_DIR, subset.toString(),
			"layer", expected.get("layer").getAsString(), "channel", expected.get("channel").getAsString(), "top",
			expected.get("top").getAsString())));
		checkSearch(expected, r.table(), r.main());
	}

	@Test
	void receptiveFieldsEqualTheAnalyticOnes() {
		// cells-gap: conv 3x3 (padding 1), max-pool 2x2 / 2, conv, pool, conv: relu3 sees 18 x 18 pixels starting at 4y - 7
		final Network net = TestData.network(model());
		final float[][] planes = { new float[64 * 64] };
		final var transform = net.transformFor(planes);
		final int relu3 = net.stageIndex("relu3"), relu2 = net.stageIndex("relu2"), relu1 = net.stageIndex("relu1");
		assertArrayEquals(new int[] { 17, 13, 34, 30 }, ReceptiveField.gradientBox(net, relu3, 1, 64, 64, transform, 5, 6));
		assertArrayEquals(new int[] { 0, 0, 10, 10 }, ReceptiveField.gradientBox(net, relu3, 1, 64, 64, transform, 0, 0));
		assertArrayEquals(new int[] { 53, 53, 63, 63 }, ReceptiveField.gradientBox(net, relu3, 1, 64, 64, transform, 15, 15));
		assertArrayEquals(new int[] { 9, 7, 16, 14 }, ReceptiveField.gradientBox(net, relu2, 1, 64, 64, transform, 5, 6));
		assertArrayEquals(new int[] { 5, 4, 7, 6 }, ReceptiveField.gradientBox(net, relu1, 1, 64, 64, transform, 5, 6));
	}

	@Test
	void nearestExamplesEqualTheReference() {
		for (final JsonElement e : ref.getAsJsonArray("nearest")) {
			final JsonObject c = e.getAsJsonObject();
			final ImagePlus query = TestData.openSample("cells", c.get("query").getAsString().replace(".tif", ""));
			final Map<String, String> params = new HashMap<>();
			params.put(Options.INPUT_DIR, subset.toString());
			params.put("layer", c.get("layer").getAsString());
			params.put("metric", c.get("metric").getAsString());
			params.put("pool", c.get("pool").getAsString());
			params.put("k", c.get("k").getAsString());
			final AnalysisResults r = results(run("nearest-examples", query, model(), params));
			final ResultsTable t = r.table();
			final JsonArray n = c.getAsJsonArray("neighbours");
			final String what = c.get("metric").getAsString() + "/" + c.get("pool").getAsString();
			assertEquals(n.size(), t.size(), what);
			assertEquals(n.size(), r.main().getStackSize(), what);
			for (int i = 0; i < n.size(); i++) {
				final JsonObject o = n.get(i).getAsJsonObject();
				assertEquals(i + 1, (int) t.getValue("rank", i));
				assertEquals(o.get("file").getAsString(), t.getStringValue("file", i), what + " rank " + (i + 1));
				assertEquals(o.get("label").getAsString(), t.getStringValue("label", i), what + " rank " + (i + 1));
				assertRelative(o.get("distance").getAsDouble(), t.getValue("distance", i), what + " distance of rank " + (i + 1));
			}
			// the montage: the image and its k neighbours in one row, 1-pixel borders (ImageJ's Make Montage)
			final ImagePlus montage = r.images().get("montage");
			assertEquals((n.size() + 1) * 64 + n.size(), montage.getWidth());
			assertEquals(64, montage.getHeight());
			// the stack holds the images themselves, nearest first
			final ImagePlus firstImage = IJ.openImage(subset.resolve(t.getStringValue("file", 0)).toString());
			assertEquals(firstImage.getProcessor().getPixelValue(20, 30), r.main().getStack().getProcessor(1).getPixelValue(20, 30), 0);
		}
	}

	@Test
	void nearestExamplesRefuseImagesOfAnotherSizeWithoutPooling() throws IOException {
		final Path mixed = Files.createDirectories(tmp.resolve("mixed"));
		Files.copy(TestData.sample("cells", "mitotic_000"), mixed.resolve("a.tif"));
		final ImagePlus small = TestData.openSample("cells", "mitotic_001");
		small.setRoi(0, 0, 48, 48);
		IJ.saveAsTiff(small.crop(), mixed.resolve("b.tif").toString());
		final ImagePlus query = TestData.openSample("cells", "mitotic_010");
		final String why = refusal("nearest-examples", query, Map.of(Options.INPUT_DIR, mixed.toString(), "layer", "relu3"));
		assertTrue(why.contains("b.tif") && why.contains("pool=mean"), why);
		// pooled, the sizes do not matter
		final AnalysisResults r = results(run("nearest-examples", query, model(), Map.of(Options.INPUT_DIR, mixed.toString(),
			"layer", "relu3", "pool", "mean", "k", "2")));
		assertEquals(2, r.table().size());
		assertEquals(64, r.main().getWidth()); // padded to the larger image
	}

	@Test
	void activationSpaceEqualsNumpyPca() {
		final JsonObject expected = ref.getAsJsonObject("pca");
		final AnalysisResults r = results(run("activation-space", null, model(), Map.of(Options.INPUT_DIR, subset.toString(),
			"layer", expected.get("layer").getAsString())));
		final ResultsTable t = r.table();
		final List<String> files = new ArrayList<>();
		for (final JsonElement e : ref.getAsJsonArray("subset")) files.add(e.getAsString());
		assertEquals(files.size(), t.size());
		final double[] pc1 = doubles(expected.getAsJsonArray("pc1")), pc2 = doubles(expected.getAsJsonArray("pc2"));
		double scale1 = 0, scale2 = 0;
		for (int i = 0; i < files.size(); i++) {
			scale1 = Math.max(scale1, Math.abs(pc1[i]));
			scale2 = Math.max(scale2, Math.abs(pc2[i]));
		}
		// the table lists the folder in its order (sorted file names), the reference in the subset's
		final List<String> rows = new ArrayList<>();
		for (int i = 0; i < t.size(); i++) rows.add(t.getStringValue("file", i));
		assertEquals(files.stream().sorted().toList(), rows);
		for (int j = 0; j < files.size(); j++) {
			final int i = rows.indexOf(files.get(j));
			assertEquals(ref.getAsJsonObject("labels").get(files.get(j)).getAsString(), t.getStringValue("label", i));
			assertEquals(pc1[j], t.getValue("pc1", i), 1e-4 * scale1, "pc1 of " + files.get(j));
			assertEquals(pc2[j], t.getValue("pc2", i), 1e-4 * scale2, "pc2 of " + files.get(j));
		}
		final JsonArray ratios = expected.getAsJsonArray("ratios");
		assertRelative(ratios.get(0).getAsDouble(), Double.parseDouble(r.properties().get("explained_variance_ratio_pc1")), "ratio pc1");
		assertRelative(ratios.get(1).getAsDouble(), Double.parseDouble(r.properties().get("explained_variance_ratio_pc2")), "ratio pc2");
		assertNotNull(r.plots().get("pca"));
		assertNull(r.main());
	}

	@Test
	void badInputGetsOneLine() throws IOException {
		final Path unlabelled = Files.createDirectories(tmp.resolve("unlabelled"));
		Files.copy(TestData.sample("cells", "foci_000"), unlabelled.resolve("a.tif"));
		assertTrue(refusal("activation-space", null, Map.of(Options.INPUT_DIR, unlabelled.toString(), "layer", "relu3"))
			.contains("needs a labelled folder"));
		final String flat = refusal("dataset-search", null, Map.of(Options.INPUT_DIR, subset.toString(), "layer", "flatten"));
		assertTrue(flat.contains("no spatial maps") && flat.contains("relu3"), flat);
		final String channel = refusal("dataset-search", null, Map.of(Options.INPUT_DIR, subset.toString(), "layer", "relu3", "channel", "64"));
		assertTrue(channel.contains("channel must be 0 .. 63"), channel);
		final String noFolder = refusal("dataset-search", null, Map.of(Options.INPUT_DIR, tmp.resolve("nothing").toString(), "layer", "relu3"));
		assertTrue(noFolder.contains("is not a folder"), noFolder);
		final String metric = assertThrows(ExplainException.class, () -> run("nearest-examples", TestData.openSample("cells", "foci_001"),
			model(), Map.of(Options.INPUT_DIR, subset.toString(), "metric", "manhattan"))).getMessage();
		assertEquals("--param metric must be one of [cosine, euclidean], not 'manhattan'", metric);
	}

	private static double[] doubles(final JsonArray a) {
		final double[] out = new double[a.size()];
		for (int i = 0; i < a.size(); i++) out[i] = a.get(i).getAsDouble();
		return out;
	}
}
