package io.github.explainij.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.IJ;
import ij.ImagePlus;

import io.github.explainij.TestData;
import io.github.explainij.cli.Main;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The perturbation methods on the command line: listed, and their extra images written beside --out. */
class PerturbationCliTest {

	@TempDir
	Path tmp;

	private final ByteArrayOutputStream out = new ByteArrayOutputStream();
	private final ByteArrayOutputStream err = new ByteArrayOutputStream();

	private int run(final String... args) {
		return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
	}

	@Test
	void listShowsThePerturbationMethods() {
		assertEquals(0, run("list"));
		final String s = out.toString(StandardCharsets.UTF_8);
		assertTrue(s.contains("occlusion  (Plugins > Explain-IJ > Attribution > Occlusion Sensitivity)"), s);
		assertTrue(s.contains("rise  (Plugins > Explain-IJ > Attribution > RISE)"), s);
		assertTrue(s.contains("lime  (Plugins > Explain-IJ > Attribution > LIME)"), s);
		assertTrue(s.contains("--param window=number  (default: 16.0)"), s);
		assertTrue(s.contains("--param masks=integer  (default: 2000)"), s);
		assertTrue(s.contains("--param fill=segment_mean|zero|mean|blur|value  (default: segment_mean)"), s);
	}

	@Test
	void occlusionWritesTheWindowMapBesideTheOutput() {
		final Path tif = tmp.resolve("o.tif");
		assertEquals(0, run("occlusion", "--model", TestData.model("cells-gap").toString(), "--image",
			TestData.sample("cells", "apoptotic_000").toString(), "--out", tif.toString(), "--param", "window=16", "--param", "stride=16"),
			err.toString(StandardCharsets.UTF_8));
		assertTrue(Files.isRegularFile(tif));
		final ImagePlus windows = IJ.openImage(tmp.resolve("o_window_map.tif").toString());
		assertEquals(4, windows.getWidth());
		assertEquals(4, windows.getHeight());
		assertTrue(out.toString(StandardCharsets.UTF_8).contains("o_window_map.tif"));
	}
}
