package io.github.explainij.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.IJ;
import ij.ImagePlus;

import io.github.explainij.TestData;
import io.github.explainij.cli.CommandLineRun;
import io.github.explainij.evaluate.AuditFixtures;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The surrogate and shortcut-audit commands on the command line: their files beside --out, and exit 2 with one line on bad input. */
class AuditCliTest extends CommandLineRun {

	@TempDir
	Path tmp;

	@Test
	void surrogateWritesTheTreeTextAndTable() throws Exception {
		final Path tif = tmp.resolve("s.tif");
		assertEquals(0, run("surrogate", "--model", TestData.model("cells-gap").toString(), "--input-dir",
			TestData.repo().resolve("sample-data/cells").toString(), "--out", tif.toString(), "--param", "seed=7"), err.toString(StandardCharsets.UTF_8));
		final ImagePlus drawn = IJ.openImage(tif.toString());
		assertEquals(ImagePlus.COLOR_RGB, drawn.getType());
		final String text = Files.readString(tmp.resolve("s_tree.txt"));
		assertTrue(text.contains("fidelity on the 12 held-out images: 83.3 %"), text);
		final List<String> table = Files.readAllLines(tmp.resolve("s.csv"));
		assertEquals(49, table.size());
		assertTrue(table.get(0).startsWith("image,model_class,tree_class,held_out,mean intensity,"), table.get(0));
		assertTrue(out.toString(StandardCharsets.UTF_8).contains("fidelity_test: " + AuditFixtures.load("surrogate_cells.json")
			.get("fidelity_test").getAsDouble()));
	}

	@Test
	void shortcutAuditWritesTheTableAndReport() throws Exception {
		final Path tif = tmp.resolve("a.tif");
		assertEquals(0, run("shortcut-audit", "--model", TestData.model("cells-shortcut").toString(), "--input-dir",
			TestData.repo().resolve("sample-data/cells-shortcut").toString(), "--out", tif.toString(), "--param", "patch=" +
				AuditFixtures.path("scale-bar.tif"), "--param", "x=49", "--param", "y=59"), err.toString(StandardCharsets.UTF_8));
		final List<String> table = Files.readAllLines(tmp.resolve("a.csv"));
		assertEquals("test,group,n,balanced_accuracy,chance,p_value,flipped,flip_rate,flipped_to", table.get(0));
		assertTrue(table.get(1).startsWith("artefact patch,interphase,8,NaN,NaN,NaN,8,1"), table.get(1));
		assertTrue(Files.readString(tmp.resolve("a_report.md")).contains("FLAG: pasting scale-bar.tif flips 8 of 8 'interphase' images"));
		assertEquals(2, run("shortcut-audit", "--model", TestData.model("cells-shortcut").toString(), "--input-dir",
			TestData.repo().resolve("sample-data/cells-shortcut").toString(), "--out", tmp.resolve("b.tif").toString()));
		final String why = err.toString(StandardCharsets.UTF_8).strip();
		assertTrue(why.contains("nothing to audit: give a nuisance_table") && !why.contains("\n"), why);
	}
}
