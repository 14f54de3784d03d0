package io.github.explainij.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.measure.ResultsTable;

import io.github.explainij.TestData;
import io.github.explainij.evaluate.AuditFixtures;
import io.github.explainij.evaluate.DecisionTree;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.module.Module;

/**
 * The surrogate and shortcut-audit commands on the shipped models and sample data, against
 * make_eval_audit_fixtures.py: the model's classes and the pasted images' classes by PyTorch, the tree by
 * the NumPy CART (equal to scikit-learn's), the probes by a NumPy ridge with the same folds and
 * permutations.
 */
class AuditCommandsTest extends CommandTestContext {

	@TempDir
	Path tmp;

	/** Runs an evaluation command that takes a folder, not an image. */
	private static Module run(final String name, final Path model, final Map<String, String> params) {
		return runCommand(name, null, model, params);
	}

	@Test
	void surrogateOnTheSampleCellsEqualsTheReference() {
		final JsonObject f = AuditFixtures.load("surrogate_cells.json");
		final Module m = run("surrogate", TestData.repo().resolve(f.get("model").getAsString()), Map.of(Options.INPUT_DIR,
			TestData.repo().resolve(f.get("folder").getAsString()).toString(), "max_depth", "3", "min_leaf", "2", "test_fraction", "0.25", "seed", "7"));
		final AnalysisResults r = results(m);
		final ResultsTable t = r.table();
		final JsonArray names = f.getAsJsonArray("names");
		assertEquals(names.size(), t.size());
		final List<String> classes = List.of("interphase", "mitotic", "apoptotic", "foci");
		for (int i = 0; i < names.size(); i++) {
			assertEquals(names.get(i).getAsString(), t.getStringValue("image", i));
			assertEquals(classes.get(f.getAsJsonArray("predictions").get(i).getAsInt()), t.getStringValue("model_class", i), "model's class of " + i);
			assertEquals(classes.get(f.getAsJsonArray("tree_predictions").get(i).getAsInt()), t.getStringValue("tree_class", i), "tree's class of " + i);
			assertEquals(f.getAsJsonArray("held_out").get(i).getAsBoolean() ? 1 : 0, (int) t.getValue("held_out", i), "held out " + i);
		}
		assertEquals(f.get("fidelity_train").getAsDouble(), Double.parseDouble(r.properties().get("fidelity_train")), 1e-12);
		assertEquals(f.get("fidelity_test").getAsDouble(), Double.parseDouble(r.properties().get("fidelity_test")), 1e-12);
		// the tree as text: its first split is the reference's root split
		final JsonObject root = f.getAsJsonArray("nodes").get(0).getAsJsonObject();
		final String text = r.texts().get("tree").content;
		assertTrue(text.contains("\nif " + io.github.explainij.evaluate.ImageFeatures.NAMES.get(root.get("feature").getAsInt()) + " <= " +
			DecisionTree.number(root.get("threshold").getAsDouble()) + " (" + (names.size() - 12) + " images)\n"), text);
		assertEquals("txt", r.texts().get("tree").suffix);
		assertTrue(r.main().getWidth() > 200 && r.main().getHeight() > 100, "the drawn tree");
		assertEquals(f.get("fidelity_test").getAsDouble() + "", r.main().getProp("fidelity_test"));
	}

	@Test
	void shortcutAuditFlagsTheScaleBar() throws Exception {
		final JsonObject probe = AuditFixtures.load("probe_shortcut.json");
		final JsonObject art = AuditFixtures.load("artefact_shortcut.json");
		final Path table = tmp.resolve("nuisances.csv");
		Files.writeString(table, probe.get("nuisance_table").getAsString());
		final Map<String, String> params = new HashMap<>(Map.of(Options.INPUT_DIR, TestData.repo().resolve(probe.get("folder").getAsString())
			.toString(), "nuisance_table", table.toString(), "folds", "5", "permutations", "200", "seed", "3", "patch",
			TestData.repo().resolve(art.get("patch").getAsString()).toString(), "x", art.get("x").getAsString(), "y", art.get("y").getAsString()));
		final AnalysisResults r = results(run("shortcut-audit", TestData.repo().resolve(probe.get("model").getAsString()), params));
		assertEquals("flatten", r.properties().get("layer"));
		final ResultsTable t = r.table();
		final JsonObject bar = probe.getAsJsonObject("probes").getAsJsonObject("scale bar");
		assertEquals("linear probe", t.getStringValue("test", 0));
		assertEquals("scale bar", t.getStringValue("group", 0));
		assertEquals(bar.get("balanced_accuracy").getAsDouble(), t.getValue("balanced_accuracy", 0), 1e-12);
		assertEquals(1.0, t.getValue("balanced_accuracy", 0), "the scale bar is perfectly readable off the features");
		assertEquals(bar.get("p_value").getAsDouble(), t.getValue("p_value", 0), 1e-12);
		assertEquals(1.0 / 201, t.getValue("p_value", 0), 1e-12);
		assertEquals(0.5, t.getValue("chance", 0));
		// the artefact rows: per class the model gave before pasting, flips counted from PyTorch's classes
		final JsonObject set = art.getAsJsonObject("sets").getAsJsonObject("cells-shortcut");
		final int[] before = TestData.ints(set.getAsJsonArray("before")), after = TestData.ints(set.getAsJsonArray("after"));
		final List<String> classes = List.of("interphase", "mitotic", "apoptotic", "foci");
		int row = 1;
		for (int c = 0; c < 4; c++) {
			int n = 0, flipped = 0;
			for (int i = 0; i < before.length; i++) {
				if (before[i] != c) continue;
				n++;
				if (after[i] != c) flipped++;
			}
			if (n == 0) continue;
			assertEquals("artefact patch", t.getStringValue("test", row));
			assertEquals(classes.get(c), t.getStringValue("group", row));
			assertEquals(n, (int) t.getValue("n", row));
			assertEquals(flipped, (int) t.getValue("flipped", row), classes.get(c));
			assertEquals(flipped / (double) n, t.getValue("flip_rate", row), 1e-12);
			row++;
		}
		assertEquals(row, t.size());
		// interphase cells become mitotic when the bar is pasted: flagged
		assertEquals("mitotic 8", t.getStringValue("flipped_to", 1 + 0));
		final String report = r.texts().get("report").content;
		assertTrue(report.contains("FLAG: pasting scale-bar.tif flips 8 of 8 'interphase' images (to mitotic 8)"), report);
		assertTrue(report.contains("FLAG: the features of 'flatten' encode the nuisance 'scale bar'"), report);
	}

	@Test
	void nuisanceFromFileNamesEqualsTheReferenceAndIsNotFlagged() {
		final JsonObject probe = AuditFixtures.load("probe_shortcut.json");
		final AnalysisResults r = results(run("shortcut-audit", TestData.repo().resolve(probe.get("model").getAsString()), Map.of(
			Options.INPUT_DIR, TestData.repo().resolve(probe.get("folder").getAsString()).toString(), "nuisance_pattern", probe.get("pattern")
				.getAsString(), "layer", "flatten", "folds", "5", "permutations", "200", "seed", "3")));
		final JsonObject ref = probe.getAsJsonObject("probes").getAsJsonObject(probe.get("pattern").getAsString());
		final ResultsTable t = r.table();
		assertEquals(1, t.size());
		assertEquals(ref.get("balanced_accuracy").getAsDouble(), t.getValue("balanced_accuracy", 0), 1e-12);
		assertEquals(ref.get("p_value").getAsDouble(), t.getValue("p_value", 0), 1e-12);
		assertEquals(1.0 / 8, t.getValue("chance", 0), 1e-15);
		assertEquals("0", r.properties().get("flags"));
		assertTrue(r.texts().get("report").content.contains("No shortcut flagged"));
	}

	@Test
	void badInputGetsOneLine() throws Exception {
		final Path model = TestData.model("cells-shortcut");
		final String dir = TestData.repo().resolve("sample-data/cells-shortcut").toString();
		final String nothing = ExplainCommands.cancelReason(run("shortcut-audit", model, Map.of(Options.INPUT_DIR, dir)));
		assertTrue(nothing.startsWith("nothing to audit: give a nuisance_table"), nothing);
		final String groups = ExplainCommands.cancelReason(run("shortcut-audit", model, Map.of(Options.INPUT_DIR, dir,
			"nuisance_pattern", "(a)(b)")));
		assertTrue(groups.contains("has 2 groups: it needs exactly one group"), groups);
		final String noMatch = ExplainCommands.cancelReason(run("shortcut-audit", model, Map.of(Options.INPUT_DIR, dir,
			"nuisance_pattern", "plate(\\d+)")));
		assertTrue(noMatch.contains("does not match the file name apoptotic_000.tif"), noMatch);
		final String outside = ExplainCommands.cancelReason(run("shortcut-audit", model, Map.of(Options.INPUT_DIR, dir, "patch",
			AuditFixtures.path("scale-bar.tif").toString(), "x", "60", "y", "0")));
		assertTrue(outside.contains("the 12x2 patch at x=60, y=0 does not fit in the 64x64 images: choose x from 0 to 52 and y from 0 to 62"),
			outside);
		final Path table = tmp.resolve("t.csv");
		Files.writeString(table, "file,plate\napoptotic_000.tif,1\n");
		final String missing = ExplainCommands.cancelReason(run("shortcut-audit", model, Map.of(Options.INPUT_DIR, dir,
			"nuisance_table", table.toString())));
		assertTrue(missing.contains("the image apoptotic_001.tif has no row in the nuisance table"), missing);
		final String fraction = ExplainCommands.cancelReason(run("surrogate", model, Map.of(Options.INPUT_DIR, dir,
			"test_fraction", "1")));
		assertTrue(fraction.startsWith("test_fraction must be at least 0 and below 1"), fraction);
		for (final String why : new String[] { nothing, groups, noMatch, outside, missing, fraction }) assertTrue(!why.contains("\n"), why);
	}
}
