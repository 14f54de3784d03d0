package io.github.explainij.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;

import ij.measure.ResultsTable;

import io.github.explainij.TestData;
import io.github.explainij.evaluate.MapsFixture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compare over folders: localization of a folder (the shortcut model's saliency on the scale bar, against
 * the reference), its numbers equal to the single-image commands, the report, and bad input.
 */
class CompareCommandTest extends CommandTestContext {

	@TempDir
	Path tmp;

	/**
	 * The 8 mitotic images of cells-shortcut with the scale bar's masks as ground truth: saliency's maximum
	 * is on the bar in 7 of 8 images and 41% of its top pixels are (the reference of
	 * make_eval_maps_fixtures.py), while random maps score about the bar's share of the image (0.6%).
	 */
	@Test
	void folderLocalizationShowsTheShortcutModelLooksAtTheScaleBar() throws IOException {
		final Path images = Files.createDirectories(tmp.resolve("bar/images")), masks = Files.createDirectories(tmp.resolve("bar/masks"));
		for (int i = 0; i < 8; i++) {
			final String name = String.format("mitotic_%03d.tif", i);
			Files.copy(TestData.repo().resolve("sample-data/cells-shortcut/images/" + name), images.resolve(name));
			Files.copy(TestData.repo().resolve("sample-data/cells-shortcut/artefact-masks/" + name), masks.resolve(name));
		}
		final Map<String, String> p = new LinkedHashMap<>();
		p.put("input_dir", tmp.resolve("bar").toString());
		p.put("methods", "saliency");
		p.put("metrics", "localization");
		final ResultsTable t = results(run("compare", null, TestData.model("cells-shortcut"), p)).table();
		final JsonObject ref = MapsFixture.json("shortcut_saliency_localization").getAsJsonObject("artefact_mean");
		assertEquals(2, t.size());
		assertEquals("saliency", t.getStringValue("method", 0));
		assertEquals(0.875, t.getValue("pointing_game_mean", 0), 1e-9);
		assertEquals(ref.get("rank_accuracy").getAsDouble(), t.getValue("rank_accuracy_mean", 0), 1e-3);
		assertEquals(ref.get("mass_accuracy").getAsDouble(), t.getValue("mass_accuracy_mean", 0), 1e-3);
		assertTrue(t.getValue("rank_accuracy_low", 0) <= t.getValue("rank_accuracy_mean", 0)
			&& t.getValue("rank_accuracy_mean", 0) <= t.getValue("rank_accuracy_high", 0));
		assertTrue(t.getValue("rank_accuracy_low", 0) > 0.2, "the interval lies far above chance");
		assertEquals("random", t.getStringValue("method", 1));
		assertTrue(t.getValue("rank_accuracy_mean", 1) < 0.05, "random maps: about the bar's share (24 / 4096)");
		assertEquals(8, (int) t.getValue("images", 0));
	}

	/** With one image, every mean is that image's value: the single-image commands give the same numbers. */
	@Test
	void oneImageEqualsTheSingleImageCommandsAndTheReportSaysWhatItMeasured() {
		final Map<String, String> p = new LinkedHashMap<>();
		p.put("input_dir", TestData.repo().resolve("sample-data/cells").toString());
		p.put("methods", "saliency");
		p.put("max_images", "1");
		p.put("steps", "5");
		final AnalysisResults r = results(run("compare", null, TestData.model("cells-gap"), p));
		final ResultsTable t = r.table();
		// the first image in file order is apoptotic_000.tif
		final AnalysisResults del = results(run("deletion", TestData.openSample("cells", "apoptotic_000"), TestData.model("cells-gap"),
			Map.of("steps", "5", "repeats", "1")));
		final AnalysisResults ins = results(run("deletion", TestData.openSample("cells", "apoptotic_000"), TestData.model("cells-gap"),
			Map.of("steps", "5", "repeats", "1", "mode", "insertion")));
		final AnalysisResults loc = results(run("localization", TestData.openSample("cells", "apoptotic_000"), TestData.model("cells-gap"),
			Map.of("mask", TestData.repo().resolve("sample-data/cells/masks/apoptotic_000.tif").toString())));
		final AnalysisResults cls = results(run("class-sensitivity", TestData.openSample("cells", "apoptotic_000"), TestData.model("cells-gap"),
			Map.of()));
		final ResultsTable sanity = results(run("sanity-check", TestData.openSample("cells", "apoptotic_000"), TestData.model("cells-gap"),
			Map.of("seed", "0"))).table();
		assertEquals(Double.parseDouble(del.properties().get("auc_saliency")), t.getValue("deletion_auc_mean", 0), 1e-5);
		assertEquals(Double.parseDouble(ins.properties().get("auc_saliency")), t.getValue("insertion_auc_mean", 0), 1e-5);
		for (final String m : new String[] { "pointing_game", "mass_accuracy", "rank_accuracy", "share_inside" }) {
			assertEquals(Double.parseDouble(loc.properties().get(m)), t.getValue(m + "_mean", 0), 1e-5, m);
		}
		assertEquals(Double.parseDouble(cls.properties().get("spearman")), t.getValue("class_spearman_mean", 0), 1e-5);
		assertEquals(Double.parseDouble(cls.properties().get("pearson")), t.getValue("class_pearson_mean", 0), 1e-5);
		// the randomization metric is the sanity check's last step (every stage randomized), with the same seed
		assertEquals(sanity.getValue("spearman_abs", sanity.size() - 1), t.getValue("randomized_spearman_mean", 0), 1e-6);
		assertEquals(sanity.getValue("ssim_abs", sanity.size() - 1), t.getValue("randomized_ssim_mean", 0), 1e-6);
		assertTrue(Double.isNaN(t.getValue("randomized_spearman_mean", 1)), "the random baseline has no model to randomize");
		assertEquals(t.getValue("deletion_auc_mean", 0), t.getValue("deletion_auc_low", 0), 1e-12, "one value: the interval is that value");

		final String md = r.texts().get("report").content;
		assertEquals("md", r.texts().get("report").suffix);
		assertTrue(md.startsWith("# Explain-IJ: comparison of attribution methods"), md);
		assertTrue(md.contains("- **model**: cells-gap.pt"), md);
		assertTrue(md.contains("1 of 48 images"), md);
		assertTrue(md.contains("| method | deletion_auc | insertion_auc | pointing_game | mass_accuracy | rank_accuracy | share_inside | " +
			"class_spearman | class_pearson | randomized_spearman | randomized_ssim |"), md);
		assertTrue(md.contains("| saliency | "), md);
		assertTrue(md.contains("| random | "), md);
		assertTrue(md.contains("Deletion AUC: the area under the target score"), md);
		assertEquals(2, r.plots().size());
	}

	@Test
	void badInputIsOneLine() {
		final Path gap = TestData.model("cells-gap");
		final String cells = TestData.repo().resolve("sample-data/cells").toString();
		assertEquals("metrics are deletion, insertion, localization, class-sensitivity and sanity-check, not 'roar'",
			refusal(run("compare", null, gap, Map.of("input_dir", cells, "metrics", "deletion,roar"))));
		assertTrue(refusal(run("compare", null, gap, Map.of("input_dir", TestData.repo().resolve("sample-data/stains/images").toString(),
			"metrics", "localization"))).startsWith("localization needs a mask for every image"));
		assertTrue(refusal(run("compare", null, gap, Map.of("input_dir", tmp.resolve("none").toString()))).contains("is not a folder"));
	}
}
