package io.github.explainij.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;

import io.github.explainij.TestData;
import io.github.explainij.evaluate.MapsFixture;
import io.github.explainij.ij1.MacroRunner;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * macros/Explain_Evaluate_Example.ijm through plain ImageJ 1.x's macro interpreter: the numbers a macro
 * reads (image properties, tables) equal the references of make_eval_maps_fixtures.py.
 */
class EvaluateMacroTest {

	@TempDir
	Path tmp;

	private static double printed(final String output, final String prefix) {
		final Matcher m = Pattern.compile(Pattern.quote(prefix) + "(-?[0-9.]+(?:[eE]-?[0-9]+)?)").matcher(output);
		assertTrue(m.find(), "no '" + prefix + "' in\n" + output);
		return Double.parseDouble(m.group(1));
	}

	@Test
	void exampleMacroPrintsTheEvaluations() throws Exception {
		final String out = MacroRunner.run("Explain_Evaluate_Example.ijm", "repo=[" + TestData.repo() + "]", tmp);
		final JsonObject del = MapsFixture.json("deletion_gap_zero");
		assertEquals(del.get("auc").getAsDouble(), printed(out, "deletion AUC saliency: "), 1e-3);
		assertEquals(del.get("random_auc").getAsDouble(), printed(out, "deletion AUC random: "), 1e-4);
		printed(out, "deletion AUC grad-cam: ");
		assertEquals(3 * 21, printed(out, "deletion table rows: "), 0);
		final JsonObject loc = MapsFixture.json("localization_gap_mitotic_000").getAsJsonObject("saliency");
		assertEquals(loc.get("rank_accuracy").getAsDouble(), printed(out, "rank accuracy on the evidence: "), 1e-3);
		assertEquals(loc.get("mass_accuracy").getAsDouble(), printed(out, "mass accuracy on the evidence: "), 1e-3);
		// the selection is the scale bar's mask (artefact-masks/mitotic_001.tif): 1, and 11 of the 24 top pixels
		final JsonObject bar = MapsFixture.json("shortcut_saliency_localization").getAsJsonArray("images").get(1).getAsJsonObject()
			.getAsJsonObject("artefact");
		assertEquals(1, printed(out, "shortcut model, pointing game on the scale bar: "), 0);
		assertEquals(bar.get("rank_accuracy").getAsDouble(), printed(out, "shortcut model, rank accuracy on the scale bar: "), 1e-6);
		final JsonObject cls = MapsFixture.json("class_sensitivity_gap_mitotic_000");
		assertTrue(out.contains("class sensitivity mitotic vs foci: spearman "), out);
		assertEquals(cls.get("spearman").getAsDouble(), printed(out, "vs foci: spearman "), 1e-4);
		assertEquals(cls.get("pearson").getAsDouble(), printed(out, ", pearson "), 1e-4);
		assertTrue(out.contains("compare saliency: deletion AUC "), out);
		assertTrue(out.contains("compare grad-cam: deletion AUC "), out);
		assertTrue(out.contains("compare random: deletion AUC "), out);
	}
}
