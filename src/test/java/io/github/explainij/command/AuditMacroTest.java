package io.github.explainij.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.explainij.TestData;
import io.github.explainij.evaluate.AuditFixtures;
import io.github.explainij.ij1.MacroRunner;

import com.google.gson.JsonObject;

import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * macros/Explain_Audit_Example.ijm through plain ImageJ 1.x's macro interpreter: the surrogate's
 * fidelity and the shortcut audit's table, as the macro reads them, equal the references of
 * make_eval_audit_fixtures.py.
 */
class AuditMacroTest {

	@TempDir
	Path tmp;

	private static double printed(final String output, final String prefix) {
		final Matcher m = Pattern.compile(Pattern.quote(prefix) + "(-?[0-9.]+)").matcher(output);
		assertTrue(m.find(), "no '" + prefix + "' in\n" + output);
		return Double.parseDouble(m.group(1));
	}

	@Test
	void exampleMacroPrintsTheSurrogateAndTheAudit() throws Exception {
		final JsonObject surrogate = AuditFixtures.load("surrogate_cells.json");
		final JsonObject probe = AuditFixtures.load("probe_shortcut.json");
		final JsonObject art = AuditFixtures.load("artefact_shortcut.json");
		final Path repo = TestData.repo();
		final String out = MacroRunner.run("Explain_Audit_Example.ijm", String.format(Locale.ROOT,
			"cells=[%s] model=[%s] shortcut=[%s] shortcut_model=[%s] patch=[%s]", repo.resolve(surrogate.get("folder").getAsString()),
			repo.resolve(surrogate.get("model").getAsString()), repo.resolve(probe.get("folder").getAsString()),
			repo.resolve(probe.get("model").getAsString()), AuditFixtures.path("scale-bar.tif")), tmp);
		assertEquals(surrogate.get("fidelity_train").getAsDouble(), printed(out, "surrogate fidelity on training images: "), 1e-12);
		assertEquals(surrogate.get("fidelity_test").getAsDouble(), printed(out, "surrogate fidelity on held-out images: "), 1e-12);
		assertTrue(out.contains("first question: if maximum intensity <= "), out);
		assertEquals(48, (int) printed(out, "features table rows: "));
		// the pattern _00(\d) reads the same image numbers as the fixture's _00([0-7])
		final JsonObject site = probe.getAsJsonObject("probes").getAsJsonObject("_00([0-7])");
		assertEquals(site.get("balanced_accuracy").getAsDouble(), printed(out, "probe _00(\\d): balanced accuracy "), 1e-6);
		assertEquals(site.get("p_value").getAsDouble(), printed(out, "probe _00(\\d): balanced accuracy " +
			String.format(Locale.ROOT, "%.6f", site.get("balanced_accuracy").getAsDouble()) + ", chance 0.125000, p "), 1e-6);
		final int[] before = TestData.ints(art.getAsJsonObject("sets").getAsJsonObject("cells-shortcut").getAsJsonArray("before"));
		final int[] after = TestData.ints(art.getAsJsonObject("sets").getAsJsonObject("cells-shortcut").getAsJsonArray("after"));
		final String[] classes = { "interphase", "mitotic", "apoptotic", "foci" };
		for (int c = 0; c < 4; c++) {
			int n = 0, flipped = 0;
			for (int i = 0; i < before.length; i++) {
				if (before[i] == c) {
					n++;
					if (after[i] != c) flipped++;
				}
			}
			assertTrue(out.contains("patch on " + classes[c] + ": " + flipped + " of " + n + " flipped"), classes[c] + "\n" + out);
		}
		assertTrue(out.contains("patch on interphase: 8 of 8 flipped (mitotic 8)"), out);
	}
}
