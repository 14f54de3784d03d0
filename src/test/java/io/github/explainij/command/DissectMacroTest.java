package io.github.explainij.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import io.github.explainij.TestData;
import io.github.explainij.ij1.MacroRunner;

import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * macros/Explain_Dissect_Example.ijm through plain ImageJ 1.x's macro interpreter: the dissection's top
 * rows and the marked influential examples, as a macro reads them from the tables, equal the NumPy /
 * PyTorch references (fixtures/inspect/dissect/dissect_gap_relu3, influence_gap).
 */
class DissectMacroTest {

	@TempDir
	Path tmp;

	@Test
	void exampleMacroPrintsTheDissectionAndTheInfluentialExamples() throws Exception {
		final JsonObject d = DissectCommandsTest.fixture("dissect_gap_relu3");
		final JsonObject inf = DissectCommandsTest.fixture("influence_gap");
		final Path repo = TestData.repo();
		final String out = MacroRunner.run("Explain_Dissect_Example.ijm", String.format(Locale.ROOT, "model=[%s] folder=[%s] image=[%s]",
			repo.resolve(d.get("model").getAsString()), repo.resolve(d.get("folder").getAsString()), repo.resolve(inf.get("image").getAsString())),
			tmp);
		assertTrue(out.contains("dissection montage: Dissection of relu3 (cells), 259x129"), out);
		final JsonArray order = d.getAsJsonArray("order");
		for (int r = 0; r < 3; r++) {
			final int c = order.get(r).getAsInt();
			final Matcher m = Pattern.compile("rank " + (r + 1) + ": channel " + c + " threshold ([0-9.]+) IoU ([0-9.]+) best on ([^\\s]+)")
				.matcher(out);
			assertTrue(m.find(), "no rank " + (r + 1) + " with channel " + c + " in\n" + out);
			DissectCommandsTest.assertRelative(d.getAsJsonArray("thresholds").get(c).getAsDouble(), Double.parseDouble(m.group(1)),
				"threshold, rank " + (r + 1));
			DissectCommandsTest.assertRelative(d.getAsJsonArray("ious").get(c).getAsDouble(), Double.parseDouble(m.group(2)), "IoU, rank " + (r + 1));
			assertEquals(d.getAsJsonArray("best_image").get(c).getAsString(), m.group(3));
		}
		assertTrue(out.contains("predicted: " + inf.get("predicted_name").getAsString()), out);
		final JsonArray ranked = inf.getAsJsonArray("order");
		final JsonArray files = inf.getAsJsonArray("files"), labels = inf.getAsJsonArray("labels"), values = inf.getAsJsonArray("influences");
		for (int r = 0; r < ranked.size(); r++) {
			if (r >= 3 && r < ranked.size() - 3) continue;
			final int i = ranked.get(r).getAsInt();
			final String prefix = (r < 3 ? "most helpful: " : "most harmful: ") + files.get(i).getAsString() + " (" + labels.get(i).getAsString() +
				") influence ";
			DissectCommandsTest.assertRelative(values.get(i).getAsDouble(), RegionsMacroTest.printed(out, prefix), prefix);
		}
	}
}
