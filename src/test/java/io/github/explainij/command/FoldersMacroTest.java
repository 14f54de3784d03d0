package io.github.explainij.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import io.github.explainij.TestData;
import io.github.explainij.ij1.MacroRunner;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * macros/Explain_Folders_Example.ijm through plain ImageJ 1.x's macro interpreter on a 12-image copy of
 * sample-data/cells: the tables of Dataset Search, Nearest Examples and Activation Space, as a macro reads
 * them, equal the NumPy / PyTorch references (make_inspect_folder_fixtures.py).
 */
class FoldersMacroTest {

	@TempDir
	Path tmp;

	private static double printed(final String output, final String prefix) {
		final Matcher m = Pattern.compile(Pattern.quote(prefix) + "(-?[0-9.]+(?:E-?[0-9]+)?)").matcher(output);
		assertTrue(m.find(), "no '" + prefix + "' in\n" + output);
		return Double.parseDouble(m.group(1));
	}

	@Test
	void exampleMacroPrintsTheReferenceTables() throws Exception {
		final JsonObject ref = JsonParser.parseString(Files.readString(TestData.repo().resolve(
			"src/test/resources/fixtures/inspect/folder/references.json"))).getAsJsonObject();
		final Path folder = Files.createDirectories(tmp.resolve("cells subset"));
		final StringBuilder csv = new StringBuilder("file,label\n");
		for (final JsonElement e : ref.getAsJsonArray("subset")) {
			final String f = e.getAsString();
			Files.copy(TestData.repo().resolve("sample-data/cells/images/" + f), folder.resolve(f));
			csv.append(f).append(',').append(ref.getAsJsonObject("labels").get(f).getAsString()).append('\n');
		}
		Files.writeString(folder.resolve("labels.csv"), csv, StandardCharsets.UTF_8);
		final JsonObject search = ref.getAsJsonObject("dataset_search_subset");
		final JsonObject nearest = ref.getAsJsonArray("nearest").get(0).getAsJsonObject();
		final String out = MacroRunner.run("Explain_Folders_Example.ijm", String.format(Locale.ROOT,
			"folder=[%s] model=[%s] query=[%s] layer=%s channel=%d", folder, TestData.repo().resolve(ref.get("model").getAsString()),
			TestData.repo().resolve("sample-data/cells/images/" + nearest.get("query").getAsString()), search.get("layer").getAsString(),
			search.get("channel").getAsInt()), tmp);
		final JsonArray hits = search.getAsJsonArray("hits");
		assertTrue(out.contains("dataset search: " + hits.size() + " patches"), out);
		for (final JsonElement e : hits) {
			final JsonObject h = e.getAsJsonObject();
			final String prefix = "hit " + h.get("rank").getAsInt() + ": " + h.get("file").getAsString() + " at (" + h.get("x").getAsInt() +
				", " + h.get("y").getAsInt() + ") = ";
			final double a = h.get("activation").getAsDouble();
			assertEquals(a, printed(out, prefix), 1e-4 * a);
		}
		for (final JsonElement e : nearest.getAsJsonArray("neighbours")) {
			final JsonObject n = e.getAsJsonObject();
			final double d = n.get("distance").getAsDouble();
			assertEquals(d, printed(out, "neighbour " + n.get("rank").getAsInt() + ": " + n.get("file").getAsString() + " (" +
				n.get("label").getAsString() + ") distance "), 1e-4 * d);
		}
		final JsonObject pca = ref.getAsJsonObject("pca");
		final JsonArray files = ref.getAsJsonArray("subset");
		for (int i = 0; i < files.size(); i++) {
			final String f = files.get(i).getAsString();
			final double pc1 = pca.getAsJsonArray("pc1").get(i).getAsDouble();
			assertEquals(pc1, printed(out, "point " + f + " (" + ref.getAsJsonObject("labels").get(f).getAsString() + "): "), 1e-3);
		}
	}
}
