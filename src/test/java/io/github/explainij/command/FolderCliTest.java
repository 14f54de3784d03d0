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

/** The folder commands on the command line: --input-dir, the stack to --out, the table to --table, the plot beside --out. */
class FolderCliTest extends CommandLineRun {

	@TempDir
	Path tmp;

	@Test
	void datasetSearchWritesThePatchesAndTheTable() throws Exception {
		final Path tif = tmp.resolve("hits.tif"), csv = tmp.resolve("hits.csv");
		assertEquals(0, run("dataset-search", "--model", TestData.model("cells-gap").toString(), "--input-dir",
			TestData.repo().resolve("sample-data/cells").toString(), "--out", tif.toString(), "--table", csv.toString(), "--param", "layer=relu3",
			"--param", "channel=7", "--param", "top=3"), err.toString(StandardCharsets.UTF_8));
		final ImagePlus patches = IJ.openImage(tif.toString());
		assertEquals(3, patches.getStackSize());
		final List<String> rows = Files.readAllLines(csv);
		assertEquals(4, rows.size(), String.join("\n", rows));
		assertTrue(rows.get(0).startsWith("rank,file,label,x,y,activation,patch_x0"), rows.get(0));
		assertTrue(rows.get(1).startsWith("1,apoptotic_006.tif,apoptotic,8,12,"), rows.get(1));
	}

	@Test
	void activationSpaceWritesThePlotAndTheTableAndRefusesAnImage() throws Exception {
		final Path tif = tmp.resolve("space.tif");
		assertEquals(0, run("activation-space", "--model", TestData.model("cells-gap").toString(), "--input-dir",
			TestData.repo().resolve("sample-data/cells").toString(), "--out", tif.toString(), "--param", "layer=relu3"),
			err.toString(StandardCharsets.UTF_8));
		assertTrue(Files.isRegularFile(tmp.resolve("space_pca.png")));
		final List<String> rows = Files.readAllLines(tmp.resolve("space.csv"));
		assertEquals(49, rows.size());
		assertEquals("file,label,pc1,pc2", rows.get(0));
		assertTrue(out.toString(StandardCharsets.UTF_8).contains("explained_variance_ratio_pc1: "), out.toString(StandardCharsets.UTF_8));
		err.reset();
		assertEquals(2, run("activation-space", "--model", TestData.model("cells-gap").toString(), "--image",
			TestData.sample("cells", "foci_001").toString(), "--input-dir", TestData.repo().resolve("sample-data/cells").toString()));
		final String message = err.toString(StandardCharsets.UTF_8).trim();
		assertTrue(message.contains("takes no --image") && !message.contains("\n"), message);
	}
}
