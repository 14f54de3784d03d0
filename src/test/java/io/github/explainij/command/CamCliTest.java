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
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CAM commands on the command line: listed with their parameters, the layer map saved beside the output. */
class CamCliTest {

	@TempDir
	Path tmp;

	private final ByteArrayOutputStream out = new ByteArrayOutputStream();
	private final ByteArrayOutputStream err = new ByteArrayOutputStream();

	private int run(final String... args) {
		return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
	}

	@Test
	void listShowsTheCamMethodsAndTheirParameters() {
		assertEquals(0, run("list"));
		final String listed = out.toString(StandardCharsets.UTF_8);
		for (final String name : new String[] { "cam", "grad-cam", "grad-cam-pp", "score-cam", "layer-cam" }) {
			assertTrue(listed.contains(name + "  (Plugins > Explain-IJ > Attribution > "), name + " missing:\n" + listed);
		}
		assertTrue(listed.contains("--param layer="), listed);
		assertTrue(listed.contains("--param layer_resolution="), listed);
		assertTrue(listed.contains("--param batch_size="), listed);
	}

	@Test
	void gradCamSavesTheLayerMapBesideTheOutput() {
		final Path tif = tmp.resolve("g.tif");
		assertEquals(0, run("grad-cam", "--model", TestData.model("cells-gap").toString(), "--image",
			TestData.sample("cells", "foci_001").toString(), "--out", tif.toString(), "--param", "layer_resolution=true"),
			err.toString(StandardCharsets.UTF_8));
		final ImagePlus map = IJ.openImage(tif.toString());
		assertEquals(64, map.getWidth());
		final ImagePlus layer = IJ.openImage(tmp.resolve("g_layer_map.tif").toString());
		assertEquals(16, layer.getWidth());
		assertEquals(16, layer.getHeight());
	}
}
