package io.github.explainij.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import ij.IJ;
import ij.ImagePlus;
import ij.measure.ResultsTable;

import io.github.explainij.TestData;
import io.github.explainij.cli.CommandRunner;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;
import org.scijava.module.Module;

/**
 * The dissect and influential-examples commands as Fiji runs them: their tables equal the NumPy / PyTorch
 * references of src/test/python/make_inspect_dissect_fixtures.py (fixtures/inspect/dissect/) on the sample
 * folder, values to 1e-4 relative and ranks identical; their montages hold the units and examples shown;
 * bad input is one line.
 */
class DissectCommandsTest extends CommandTestContext {

	@TempDir
	Path tmp;

	static JsonObject fixture(final String name) throws Exception {
		return JsonParser.parseString(Files.readString(TestData.repo().resolve("src/test/resources/fixtures/inspect/dissect/" + name + ".json")))
			.getAsJsonObject();
	}

	static void assertRelative(final double expected, final double actual, final String what) {
		assertEquals(expected, actual, 1e-4 * Math.abs(expected) + 1e-9, what);
	}

	/** Runs an inside-the-network command (CommandTestContext's runCommand finds attribution commands only). */
	private static Module run(final String name, final ImagePlus image, final Path model, final Map<String, String> params) {
		return new CommandRunner(context).run(ExplainCommands.commandByName(context.service(CommandService.class), name), image, model.toFile(),
			params);
	}

	private static AnalysisResults results(final Module m) {
		assertNull(ExplainCommands.cancelReason(m), "the run failed");
		return ((AnalysisCommand) ((CommandModule) m).getCommand()).results();
	}

	@Test
	void dissectTableEqualsTheNumpyReference() throws Exception {
		final JsonObject f = fixture("dissect_gap_relu3");
		final AnalysisResults r = results(run("dissect", null, TestData.repo().resolve(f.get("model").getAsString()),
			Map.of("input_dir", TestData.repo().resolve(f.get("folder").getAsString()).toString(), "layer", "relu3", "units", "6")));
		final ResultsTable t = r.table();
		final JsonArray order = f.getAsJsonArray("order");
		assertEquals(order.size(), t.size());
		for (int row = 0; row < t.size(); row++) {
			final int c = order.get(row).getAsInt();
			assertEquals(row + 1, (int) t.getValue("rank", row));
			assertEquals(c, (int) t.getValue("channel", row), "channel of rank " + (row + 1));
			assertRelative(f.getAsJsonArray("thresholds").get(c).getAsDouble(), t.getValue("threshold", row), "threshold of channel " + c);
			assertRelative(f.getAsJsonArray("ious").get(c).getAsDouble(), t.getValue("iou", row), "IoU of channel " + c);
			assertEquals(f.getAsJsonArray("best_image").get(c).getAsString(), t.getStringValue("best_image", row), "best image of channel " + c);
		}
		final ImagePlus montage = r.main();
		// 6 tiles of 64 x 64 in rows of 4, one-pixel borders between them (ImageJ's Make Montage)
		assertEquals(ImagePlus.COLOR_RGB, montage.getType());
		assertEquals(4 * 64 + 3, montage.getWidth());
		assertEquals(2 * 64 + 1, montage.getHeight());
		assertEquals(Integer.toString(order.get(0).getAsInt()), r.properties().get("best_channel"));
		assertTrue(((String) montage.getProperty("Info")).contains("channel " + order.get(0).getAsInt() + ", IoU "), "montage info");
	}

	@Test
	void influenceTableEqualsTheAutogradReference() throws Exception {
		final JsonObject f = fixture("influence_gap");
		final ImagePlus image = IJ.openImage(TestData.repo().resolve(f.get("image").getAsString()).toString());
		final AnalysisResults r = results(run("influential-examples", image, TestData.repo().resolve(f.get("model").getAsString()),
			Map.of("input_dir", TestData.repo().resolve(f.get("folder").getAsString()).toString(), "top", "3")));
		assertEquals(f.get("predicted_name").getAsString(), r.properties().get("predicted"));
		assertEquals("weights and bias", r.properties().get("gradient_of"));
		final ResultsTable t = r.table();
		final JsonArray order = f.getAsJsonArray("order");
		assertEquals(order.size(), t.size());
		int helpful = 0, harmful = 0;
		for (int row = 0; row < t.size(); row++) {
			final int i = order.get(row).getAsInt();
			final double expected = f.getAsJsonArray("influences").get(i).getAsDouble();
			assertEquals(f.getAsJsonArray("files").get(i).getAsString(), t.getStringValue("file", row), "file of rank " + (row + 1));
			assertEquals(f.getAsJsonArray("labels").get(i).getAsString(), t.getStringValue("label", row));
			assertRelative(expected, t.getValue("influence", row), "influence of " + t.getStringValue("file", row));
			final String marked = t.getStringValue("marked", row);
			if (row < 3) assertEquals(expected > 0 ? "most helpful" : "", marked, "rank " + (row + 1));
			else if (row >= t.size() - 3) assertEquals(expected < 0 ? "most harmful" : "", marked, "rank " + (row + 1));
			else assertEquals("", marked, "rank " + (row + 1));
			if (marked.equals("most helpful")) helpful++;
			if (marked.equals("most harmful")) harmful++;
		}
		assertEquals(3, helpful);
		assertEquals(3, harmful);
		final ImagePlus montage = r.main();
		assertNotNull(montage);
		assertEquals(3 * 64 + 2, montage.getWidth());
		assertEquals(2 * 64 + 1, montage.getHeight());
		// the first row is framed in green (helpful), the second in magenta (harmful)
		assertEquals(InfluentialExamplesCommand.HELPFUL, montage.getProcessor().get(0, 0) & 0xffffff);
		assertEquals(InfluentialExamplesCommand.HARMFUL, montage.getProcessor().get(0, 65) & 0xffffff);
	}

	@Test
	void badInputIsOneLine() throws Exception {
		final Path gap = TestData.model("cells-gap");
		final String cells = TestData.repo().resolve("sample-data/cells").toString();
		// not a spatial stage
		Module m = run("dissect", null, gap, Map.of("input_dir", cells, "layer", "fc"));
		assertTrue(ExplainCommands.cancelReason(m).startsWith("the stage 'fc' has no spatial maps"), ExplainCommands.cancelReason(m));
		assertTrue(ExplainCommands.cancelReason(m).contains("relu3"), ExplainCommands.cancelReason(m));
		// no masks: a folder of images only
		final Path plain = Files.createDirectories(tmp.resolve("plain"));
		Files.copy(TestData.sample("cells", "mitotic_000"), plain.resolve("mitotic_000.tif"));
		m = run("dissect", null, gap, Map.of("input_dir", plain.toString(), "layer", "relu3"));
		assertTrue(ExplainCommands.cancelReason(m).startsWith("dissect needs a mask for every image"), ExplainCommands.cancelReason(m));
		m = run("dissect", null, gap, Map.of("input_dir", cells, "layer", "relu3", "quantile", "1"));
		assertTrue(ExplainCommands.cancelReason(m).startsWith("quantile must be between 0 and 1"), ExplainCommands.cancelReason(m));
		// labels that are not the model's classes
		Files.writeString(plain.resolve("labels.csv"), "file,label\nmitotic_000.tif,prophase\n");
		final ImagePlus image = TestData.openSample("cells", "mitotic_001");
		m = run("influential-examples", image, gap, Map.of("input_dir", plain.toString()));
		assertEquals("the label 'prophase' of mitotic_000.tif is not one of the model's classes [interphase, mitotic, apoptotic, foci]: " +
			"relabel the image or name its class as the model does", ExplainCommands.cancelReason(m));
		// unlabelled
		Files.delete(plain.resolve("labels.csv"));
		m = run("influential-examples", image, gap, Map.of("input_dir", plain.toString()));
		assertTrue(ExplainCommands.cancelReason(m).startsWith("influential-examples needs a labelled folder"), ExplainCommands.cancelReason(m));
		// a model whose last stage is not linear (a segmentation network)
		Files.writeString(plain.resolve("labels.csv"), "file,label\nmitotic_000.tif,mitotic\n");
		m = run("influential-examples", image, TestData.model("cells-unet"), Map.of("input_dir", plain.toString()));
		assertTrue(ExplainCommands.cancelReason(m).startsWith("influential-examples needs a classifier whose last stage is a linear layer"),
			ExplainCommands.cancelReason(m));
	}
}
