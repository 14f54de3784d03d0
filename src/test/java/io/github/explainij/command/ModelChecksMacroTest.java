package io.github.explainij.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import io.github.explainij.TestData;
import io.github.explainij.ij1.MacroRunner;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * macros/Explain_Model_Checks_Example.ijm through plain ImageJ 1.x's macro interpreter: the sanity check's
 * table and verdict, the unit ablation's table (equal to PyTorch, fixtures/evaluate/model/ablation.json)
 * and ROAR's table, as a macro reads them.
 */
class ModelChecksMacroTest {

	@TempDir
	Path tmp;

	@Test
	void exampleMacroPrintsTheThreeChecks() throws Exception {
		final Path repo = TestData.repo();
		// ROAR on 8 of the sample images (2 per class): 6 train the model, 2 test it
		final Path small = Files.createDirectories(tmp.resolve("small/images"));
		final StringBuilder labels = new StringBuilder("file,class_name\n");
		for (final String c : new String[] { "apoptotic", "foci", "interphase", "mitotic" }) {
			for (final String i : new String[] { "000", "001" }) {
				Files.copy(TestData.sample("cells", c + "_" + i), small.resolve(c + "_" + i + ".tif"));
				labels.append(c).append('_').append(i).append(".tif,").append(c).append('\n');
			}
		}
		Files.writeString(tmp.resolve("small/labels.csv"), labels);
		final String printed = MacroRunner.run("Explain_Model_Checks_Example.ijm", String.format(Locale.ROOT,
			"image=[%s] folder=[%s] model=[%s] roar_folder=[%s]", TestData.sample("cells", "mitotic_000"), repo.resolve("sample-data/cells"),
			TestData.model("cells-gap"), tmp.resolve("small")), tmp);
		// the sanity check: as ModelChecksCommandsTest measured on the same image and seed
		assertEquals(0.615, RegionsMacroTest.printed(printed, "randomized fc: spearman "), 0.01);
		assertEquals(0.086, RegionsMacroTest.printed(printed, "randomized fc conv3 conv2 conv1: spearman "), 0.01);
		assertTrue(printed.contains("maps: 5 slices; passes: "), printed);
		// the unit ablation of channel 5 of relu2 equals PyTorch
		final JsonObject fx = JsonParser.parseString(Files.readString(repo.resolve("src/test/resources/fixtures/evaluate/model/ablation.json")))
			.getAsJsonObject();
		final JsonObject intact = fx.getAsJsonArray("rows").get(0).getAsJsonObject(), five = fx.getAsJsonArray("rows").get(6).getAsJsonObject();
		assertEquals(intact.get("accuracy").getAsDouble(), RegionsMacroTest.printed(printed, "ablation accuracy "), 1e-6);
		assertEquals(five.get("accuracy").getAsDouble(), RegionsMacroTest.printed(printed, "without channel 5 "), 1e-6);
		final double change = five.getAsJsonArray("class_scores").get(1).getAsDouble() - intact.getAsJsonArray("class_scores").get(1).getAsDouble();
		assertEquals(change, RegionsMacroTest.printed(printed, "mitotic score change "), 1e-4 * Math.max(1, Math.abs(change)));
		// ROAR: the unmodified retraining, saliency and random removal, accuracies over 2 test images
		for (final String row : new String[] { "roar none at 0: accuracy ", "roar saliency at 0.5: accuracy ", "roar random at 0.5: accuracy " }) {
			final double a = RegionsMacroTest.printed(printed, row);
			assertEquals(Math.round(a * 2) / 2.0, a, 1e-6, row);
		}
	}
}
