package io.github.explainij.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import ij.ImagePlus;
import ij.measure.ResultsTable;

import io.github.explainij.TestData;
import io.github.explainij.evaluate.MapsFixture;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * The commands deletion, localization and class-sensitivity on the shipped models: their numbers against
 * the references of make_eval_maps_fixtures.py (which compute saliency with torch autograd, so the maps
 * agree to float rounding: tolerances 1e-3 where a map's order enters, exact for the random baseline),
 * and one clear line for bad input.
 */
class EvaluateMapsCommandsTest extends CommandTestContext {




	private static double prop(final AnalysisResults r, final String key) {
		assertTrue(r.properties().containsKey(key), key + " in " + r.properties());
		return Double.parseDouble(r.properties().get(key));
	}

	@Test
	void deletionCurveOfSaliencyAndTheRandomBaselineEqualTheReference() {
		final JsonObject ref = MapsFixture.json("deletion_gap_zero");
		final AnalysisResults r = results(run("deletion", TestData.openSample("cells", "mitotic_000"), TestData.model("cells-gap"),
			Map.of("steps", "20", "fill", "zero", "repeats", "2", "seed", "7")));
		assertEquals(ref.get("auc").getAsDouble(), prop(r, "auc_saliency"), 1e-3);
		assertEquals(ref.get("random_auc").getAsDouble(), prop(r, "auc_random"), 1e-4, "the random orders do not depend on the map");
		assertEquals("mitotic", r.properties().get("target"));
		final ResultsTable t = r.table();
		assertEquals(2 * 21, t.size());
		final JsonArray scores = ref.getAsJsonArray("scores");
		for (int i = 0; i <= 20; i++) {
			assertEquals("saliency", t.getStringValue("method", i));
			assertEquals(i / 20.0, t.getValue("fraction", i), 1e-12);
			assertEquals(scores.get(i).getAsDouble(), t.getValue("score", i), 2e-3 * Math.max(1, Math.abs(scores.get(i).getAsDouble())), "step " + i);
		}
		assertEquals("random", t.getStringValue("method", 21));
		assertEquals(1, r.plots().size());
		assertEquals(1, r.main().getStackSize());
		// the saliency evaluated is the reference map (torch autograd) up to float rounding
		final float[] map = (float[]) r.main().getStack().getProcessor(1).getPixels();
		TestData.assertRelativeClose(MapsFixture.map("saliency_gap_mitotic_000"), map, 1e-4, "saliency map");
	}

	@Test
	void severalMethodsWithTheirOwnParametersAndSuperpixels() {
		final Map<String, String> p = new LinkedHashMap<>();
		p.put("methods", "saliency, grad-cam");
		p.put("method_parameters", "grad-cam.layer=relu2");
		p.put("steps", "4");
		p.put("mode", "insertion");
		p.put("unit", "superpixel");
		p.put("segments", "16");
		p.put("repeats", "1");
		final AnalysisResults r = results(run("deletion", TestData.openSample("cells", "foci_001"), TestData.model("cells-gap"), p));
		assertEquals(3 * 5, r.table().size());
		assertEquals("grad-cam", r.table().getStringValue("method", 5));
		assertEquals(2, r.main().getStackSize());
		assertEquals("grad-cam", r.main().getStack().getSliceLabel(2));
		// insertion ends with the image itself: every curve ends at the image's own score
		final double last = r.table().getValue("score", 4);
		assertEquals(last, r.table().getValue("score", 9), 1e-5);
		assertEquals(last, r.table().getValue("score", 14), 1e-5);
		assertTrue(r.properties().get("unit").startsWith("superpixel"), r.properties().toString());
		assertTrue(prop(r, "auc_grad-cam") > prop(r, "auc_random"), "grad-cam inserts the evidence faster than random: " + r.properties());
	}

	@Test
	void localizationOfSaliencyAgainstTheEvidenceMaskEqualsTheReference() {
		final JsonObject ref = MapsFixture.json("localization_gap_mitotic_000").getAsJsonObject("saliency");
		final AnalysisResults r = results(run("localization", TestData.openSample("cells", "mitotic_000"), TestData.model("cells-gap"),
			Map.of("mask", TestData.repo().resolve("sample-data/cells/masks/mitotic_000.tif").toString())));
		for (final String m : new String[] { "pointing_game", "mass_accuracy", "rank_accuracy", "share_inside" }) {
			assertEquals(ref.get(m).getAsDouble(), prop(r, m), 1e-3, m);
			assertEquals(ref.get(m).getAsDouble(), r.table().getValue(m, 0), 1e-3, m);
		}
		assertEquals("mask mitotic_000.tif", r.properties().get("ground_truth"));
	}

	@Test
	void classSensitivityOfSaliencyEqualsSciPy() {
		final JsonObject ref = MapsFixture.json("class_sensitivity_gap_mitotic_000");
		final AnalysisResults r = results(run("class-sensitivity", TestData.openSample("cells", "mitotic_000"), TestData.model("cells-gap"),
			Map.of()));
		assertEquals("mitotic", r.properties().get("class_a"));
		assertEquals("foci", r.properties().get("class_b"), "the runner-up (class " + ref.get("class_b") + ")");
		assertEquals(ref.get("pearson").getAsDouble(), prop(r, "pearson"), 1e-4);
		assertEquals(ref.get("spearman").getAsDouble(), prop(r, "spearman"), 1e-4);
		final ImagePlus d = r.main();
		assertEquals(3, d.getStackSize());
		final float[] diff = (float[]) d.getStack().getProcessor(1).getPixels();
		final float[] a = (float[]) d.getStack().getProcessor(2).getPixels(), b = (float[]) d.getStack().getProcessor(3).getPixels();
		for (int i = 0; i < diff.length; i += 31) assertEquals(a[i] - b[i], diff[i], 0);
	}

	/**
	 * A segmentation model's class score read over a region mask (fixtures/region: the mean mitotic logit
	 * of cells-unet over an unseen cell is 6.30673695): the curves start (deletion) and end (insertion)
	 * there; a classifier refuses a region.
	 */
	@Test
	void aSegmentationModelIsScoredOverTheRegionMask() throws Exception {
		final JsonObject ref = com.google.gson.JsonParser.parseString(java.nio.file.Files.readString(TestData.repo()
			.resolve("src/test/resources/fixtures/region/gradcam_unseen_cell_mitotic_mean_logit.json"))).getAsJsonObject();
		final ImagePlus image = ij.IJ.openImage(TestData.repo().resolve(ref.get("image").getAsString()).toString());
		final String region = TestData.repo().resolve(ref.get("region").getAsString()).toString();
		final double expected = ref.get("score_value").getAsDouble();
		for (final String mode : new String[] { "deletion", "insertion" }) {
			final AnalysisResults r = results(run("deletion", image, TestData.model("cells-unet"), Map.of("region_mask", region, "target", "2",
				"steps", "2", "repeats", "1", "mode", mode)));
			assertEquals("mitotic", r.properties().get("target"));
			assertEquals(expected, r.table().getValue("score", mode.equals("deletion") ? 0 : 2), 1e-4 * expected, mode);
		}
		assertTrue(refusal(run("localization", TestData.openSample("cells", "mitotic_000"), TestData.model("cells-gap"),
			Map.of("region_mask", region, "mask", region))).startsWith("the model returns one score per class [B, K], not a map"));
	}

	@Test
	void badInputIsOneLine() {
		final ImagePlus image = TestData.openSample("cells", "mitotic_000");
		final Path gap = TestData.model("cells-gap");
		assertTrue(refusal(run("deletion", image, gap, Map.of("method", "salency"))).startsWith("there is no attribution method 'salency'; the methods are ["));
		assertTrue(refusal(run("deletion", image, gap, Map.of("method_parameters", "layr=relu3"))).startsWith("unknown parameter(s) [layr] for saliency"));
		assertEquals("method parameter 'layr' belongs to none of the methods [saliency, grad-cam]",
			refusal(run("deletion", image, gap, Map.of("methods", "saliency,grad-cam", "method_parameters", "layr=relu3"))));
		assertEquals("class A and class B are the same class (foci): choose two classes",
			refusal(run("class-sensitivity", image, gap, Map.of("class_a", "foci", "class_b", "3"))));
		assertTrue(refusal(run("localization", image, gap, Map.of("mask", TestData.repo().resolve("sample-data/stains/masks").toString())))
			.contains("mask"));
		assertEquals("no ground truth: give a mask file (--mask on the command line), draw a selection on the image, or add the structures to the ROI Manager",
			refusal(run("localization", image, gap, Map.of())));
	}
}
