package io.github.explainij.cli;

import static io.github.explainij.TestData.assertRelativeClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.IJ;
import ij.ImagePlus;

import io.github.explainij.TestData;
import io.github.explainij.image.ImagePlusAdapter;
import io.github.explainij.method.ExplainRequest;
import io.github.explainij.method.SaliencyMap;
import io.github.explainij.target.ScoreKind;
import io.github.explainij.target.TargetSpec;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command-line contract: outputs, exit status, one-line reasons. */
class MainTest {

	@TempDir
	Path tmp;

	private final ByteArrayOutputStream out = new ByteArrayOutputStream();
	private final ByteArrayOutputStream err = new ByteArrayOutputStream();

	private int run(final String... args) {
		return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
	}

	private String err() {
		return err.toString(StandardCharsets.UTF_8);
	}

	@Test
	void saliencyWritesTheRawMapAndTheOverlay() {
		final Path tif = tmp.resolve("out/s.tif"), png = tmp.resolve("out/s.png");
		final String image = TestData.sample("cells-shortcut", "mitotic_001").toString();
		assertEquals(0, run("saliency", "--model", TestData.model("cells-shortcut").toString(), "--image", image, "--target", "mitotic",
			"--out", tif.toString(), "--overlay", png.toString(), "--param", "absolute=false"), err());
		final ImagePlus written = IJ.openImage(tif.toString());
		assertEquals(ImagePlus.GRAY32, written.getType());
		final ExplainRequest r = new ExplainRequest(TestData.network(TestData.model("cells-shortcut")),
			ImagePlusAdapter.currentPlanes(IJ.openImage(image)), TargetSpec.index(1), ScoreKind.LOGIT);
		assertRelativeClose(ImagePlusAdapter.toChw(new SaliencyMap(false, false).explain(r).map()), (float[]) written.getProcessor().getPixels(),
			1e-6, "written map");
		final ImagePlus overlay = IJ.openImage(png.toString());
		assertEquals(ImagePlus.COLOR_RGB, overlay.getType());
		assertEquals(64, overlay.getWidth());
		final String stdout = out.toString(StandardCharsets.UTF_8);
		assertTrue(stdout.contains("target 1 (mitotic)"), stdout);
	}

	@Test
	void badInputExitsTwoWithOneLine() {
		assertEquals(2, run("saliency", "--model", tmp.resolve("none.pt").toString(), "--image",
			TestData.sample("cells", "foci_001").toString()));
		assertEquals(1, err().strip().split("\n").length, err());
		assertTrue(err().startsWith("error: model file not found"), err());
	}

	@Test
	void usageErrorsExitTwo() {
		assertEquals(2, run());
		assertEquals(2, run("no-such-method", "--model", "m.pt", "--image", "i.tif"));
		assertTrue(err().contains("unknown method 'no-such-method'"), err());
		err.reset();
		assertEquals(2, run("saliency", "--model", TestData.model("cells-gap").toString(), "--image",
			TestData.sample("cells", "foci_001").toString(), "--param", "score=odds"));
		assertTrue(err().contains("score must be one of [logit, probability], not 'odds'"), err());
		err.reset();
		assertEquals(2, run("saliency", "--model", TestData.model("cells-gap").toString(), "--image",
			TestData.sample("cells", "foci_001").toString(), "--param", "windw=3"));
		assertTrue(err().contains("unknown parameter(s) [windw]"), err());
		err.reset();
		assertEquals(2, run("saliency", "--model", TestData.model("cells-gap").toString(), "--image", tmp.resolve("x.tif").toString()));
		assertTrue(err().contains("image not found"), err());
	}

	@Test
	void listShowsMethodsAndParameters() {
		assertEquals(0, run("list"));
		final String s = out.toString(StandardCharsets.UTF_8);
		assertTrue(s.contains("saliency  (Plugins > Explain-IJ > Attribution > Saliency Map)"), s);
		assertTrue(s.contains("--param absolute=true|false  (default: true)"), s);
		assertTrue(s.contains("--param score=logit|probability  (default: logit)"), s);
	}

	@Test
	void demoWritesItsOutputsAndSaysWhere() throws Exception {
		final Path dir = tmp.resolve("demo");
		assertEquals(0, run("demo", "--out", dir.toString()), err());
		assertTrue(out.toString(StandardCharsets.UTF_8).contains(dir.toAbsolutePath().toString()));
		final java.util.List<String> rows = Files.readAllLines(dir.resolve("summary.csv"));
		assertEquals(1 + 8 + 4, rows.size());
		assertTrue(Files.isRegularFile(dir.resolve("cells-gap/foci_000_saliency.tif")));
		assertTrue(Files.isRegularFile(dir.resolve("cells-gap/foci_000_overlay.png")));
		assertTrue(Files.isRegularFile(dir.resolve("cells-shortcut/cells-shortcut/mitotic_000_overlay.png")));
	}
}
