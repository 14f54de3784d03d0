package io.github.explainij.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.explainij.TestData;
import io.github.explainij.cli.CommandLineRun;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The evaluation commands on the command line: --mask, --param method.layer=..., the table, the plot and the values printed. */
class EvaluateCliTest extends CommandLineRun {

	@TempDir
	Path tmp;

	@Test
	void localizationOfGradCamAtALayerWithAMaskFile() throws Exception {
		final Path table = tmp.resolve("loc.csv");
		assertEquals(0, run("localization", "--model", TestData.model("cells-gap").toString(), "--image", TestData.sample("cells", "foci_002").toString(),
			"--mask", TestData.repo().resolve("sample-data/cells/masks/foci_002.tif").toString(), "--param", "method=grad-cam",
			"--param", "method.layer=relu2", "--out", tmp.resolve("loc.tif").toString(), "--table", table.toString()),
			err.toString(StandardCharsets.UTF_8));
		final String printed = out.toString(StandardCharsets.UTF_8);
		assertTrue(printed.contains("ground_truth: mask foci_002.tif"), printed);
		assertTrue(printed.matches("(?s).*rank_accuracy: [0-9.]+.*"), printed);
		final List<String> lines = Files.readAllLines(table);
		assertEquals("method,pointing_game,mass_accuracy,rank_accuracy,share_inside", lines.get(0));
		assertTrue(lines.get(1).startsWith("grad-cam,"), lines.get(1));
	}

	@Test
	void deletionWritesItsPlotBesideTheOutput() {
		assertEquals(0, run("deletion", "--model", TestData.model("cells-gap").toString(), "--image", TestData.sample("cells", "foci_002").toString(),
			"--param", "steps=4", "--param", "repeats=1", "--out", tmp.resolve("d.tif").toString()), err.toString(StandardCharsets.UTF_8));
		assertTrue(Files.isRegularFile(tmp.resolve("d_curves.png")));
		assertTrue(Files.isRegularFile(tmp.resolve("d.csv")));
		assertTrue(out.toString(StandardCharsets.UTF_8).contains("auc_random: "), out.toString(StandardCharsets.UTF_8));
	}

	@Test
	void anUnknownMethodIsOneLineAndExitTwo() {
		assertEquals(2, run("class-sensitivity", "--model", TestData.model("cells-gap").toString(), "--image",
			TestData.sample("cells", "foci_002").toString(), "--param", "method=gradcam", "--out", tmp.resolve("c.tif").toString()));
		final String e = err.toString(StandardCharsets.UTF_8).trim();
		assertTrue(e.contains("there is no attribution method 'gradcam'"), e);
		assertEquals(1, e.lines().count(), e);
		assertTrue(Files.notExists(tmp.resolve("c.tif")));
	}
}
