package io.github.explainij.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.IJ;
import ij.ImagePlus;

import io.github.explainij.TestData;
import io.github.explainij.cli.CommandLineRun;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** dissect and influential-examples on the command line: --input-dir, the montage to --out, the table to --table; bad labels exit 2. */
class DissectCliTest extends CommandLineRun {

	@TempDir
	Path tmp;

	/** Four sample images with their masks and labels (images/, masks/, labels.csv). */
	private Path smallFolder(final String wrongLabel) throws Exception {
		final Path dir = tmp.resolve("cells");
		Files.createDirectories(dir.resolve("images"));
		Files.createDirectories(dir.resolve("masks"));
		final StringBuilder csv = new StringBuilder("file,label\n");
		for (final String name : List.of("apoptotic_000", "foci_000", "interphase_000", "mitotic_000")) {
			final Path cells = TestData.repo().resolve("sample-data/cells");
			Files.copy(cells.resolve("images/" + name + ".tif"), dir.resolve("images/" + name + ".tif"));
			Files.copy(cells.resolve("masks/" + name + ".tif"), dir.resolve("masks/" + name + ".tif"));
			csv.append(name).append(".tif,").append(wrongLabel != null && name.startsWith("foci") ? wrongLabel : name.replaceAll("_.*", ""))
				.append('\n');
		}
		Files.writeString(dir.resolve("labels.csv"), csv);
		return dir;
	}

	@Test
	void dissectWritesTheMontageAndTheRankedTable() throws Exception {
		final Path dir = smallFolder(null);
		final Path tif = tmp.resolve("units.tif"), csv = tmp.resolve("units.csv");
		assertEquals(0, run("dissect", "--model", TestData.model("cells-gap").toString(), "--input-dir", dir.toString(), "--out", tif.toString(),
			"--table", csv.toString(), "--param", "layer=relu2", "--param", "units=2"), err.toString(StandardCharsets.UTF_8));
		final ImagePlus montage = IJ.openImage(tif.toString());
		assertEquals(2 * 64 + 1, montage.getWidth());
		final List<String> rows = Files.readAllLines(csv);
		assertTrue(rows.get(0).startsWith("rank,channel,threshold,iou,"), rows.get(0));
		assertEquals(1 + 32, rows.size(), "one row per channel of relu2");
		assertTrue(out.toString(StandardCharsets.UTF_8).contains("best_channel: " + rows.get(1).split(",")[1]), out.toString(StandardCharsets.UTF_8));
	}

	@Test
	void influentialExamplesRefusesALabelTheModelDoesNotKnow() throws Exception {
		final Path dir = smallFolder("Foci");
		assertEquals(2, run("influential-examples", "--model", TestData.model("cells-gap").toString(), "--image",
			TestData.sample("cells", "foci_001").toString(), "--input-dir", dir.toString(), "--out", tmp.resolve("x.tif").toString()));
		assertTrue(err.toString(StandardCharsets.UTF_8).contains("the label 'Foci' of foci_000.tif is not one of the model's classes"),
			err.toString(StandardCharsets.UTF_8));
		assertTrue(!Files.exists(tmp.resolve("x.tif")));
	}
}
