package io.github.explainij.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.explainij.TestData;
import io.github.explainij.ij1.MacroRunner;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * macros/Explain_Regions_Example.ijm through plain ImageJ 1.x's macro interpreter: the per-object table
 * of the segmentation model and the per-channel tables of the two-channel model, as a macro reads them,
 * equal the PyTorch references (fixtures/region/objects_*, fixtures/stains/stains_nuclear_logit).
 */
class RegionsMacroTest {

	@TempDir
	Path tmp;

	private static JsonObject fixture(final String path) throws Exception {
		return JsonParser.parseString(Files.readString(TestData.repo().resolve("src/test/resources/fixtures/" + path))).getAsJsonObject();
	}

	/** The number printed after {@code prefix} in a macro's output. */
	static double printed(final String output, final String prefix) {
		final Matcher m = Pattern.compile(Pattern.quote(prefix) + "(-?[0-9.]+)").matcher(output);
		assertTrue(m.find(), "no '" + prefix + "' in\n" + output);
		return Double.parseDouble(m.group(1));
	}

	@Test
	void exampleMacroPrintsTheObjectAndChannelTables() throws Exception {
		final JsonObject objects = fixture("region/objects_unseen_saliency_mean_logit.json");
		final JsonObject stains = fixture("stains/stains_nuclear_logit.json");
		final Path repo = TestData.repo();
		final String printed = MacroRunner.run("Explain_Regions_Example.ijm", String.format(Locale.ROOT,
			"image=[%s] labels=[%s] unet=[%s] stains=[%s] stains_model=[%s]", repo.resolve(objects.get("image").getAsString()),
			repo.resolve(objects.get("labels").getAsString()), repo.resolve(objects.get("model").getAsString()),
			repo.resolve(stains.get("image").getAsString()), repo.resolve(stains.get("model").getAsString())), tmp);
		final JsonArray list = objects.getAsJsonArray("objects");
		assertTrue(printed.contains("objects: " + list.size() + " slices"), printed);
		for (int i = 0; i < list.size(); i++) {
			final JsonObject o = list.get(i).getAsJsonObject();
			final double share = o.get("share_inside").getAsDouble();
			assertEquals(share, printed(printed, "label " + o.get("label").getAsInt() + ": "
				+ new String[] { "background", "interphase", "mitotic", "apoptotic", "foci" }[o.get("target_class").getAsInt()]
				+ ", share inside "), 1e-4 * share + 1e-6);
		}
		// slices and rows are named as the ROI Manager lists the ROIs (e.g. 0042-0042, the oval's centre)
		assertTrue(printed.matches("(?s).*ROI Manager regions: 2 slices; 0042-0042 is [a-z]+.*"), printed);
		final JsonArray igShare = stains.getAsJsonArray("ig_share");
		assertEquals(igShare.get(1).getAsDouble(), printed(printed, "IG share of marker: "), 1e-4);
		final JsonArray drops = stains.getAsJsonObject("ablation").getAsJsonArray("drops");
		assertEquals(drops.get(0).getAsDouble(), printed(printed, "score drop without DNA: "), 1e-4 * drops.get(0).getAsDouble());
		assertEquals(drops.get(1).getAsDouble(), printed(printed, "score drop without marker: "), 1e-4 * drops.get(1).getAsDouble());
	}
}
