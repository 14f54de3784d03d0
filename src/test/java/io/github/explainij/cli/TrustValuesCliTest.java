package io.github.explainij.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import ij.io.FileSaver;
import ij.process.FloatProcessor;

import io.github.explainij.TestData;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nonsense is refused on the command line (issue 8): each case exits 2 with one line naming the cause,
 * writes no output, and leaves the input files' bytes as they were. The test models are made by
 * src/test/python/make_trust_fixtures.py; broken sidecars and images are made here.
 */
class TrustValuesCliTest {

	@TempDir
	Path tmp;

	private Path image;

	@BeforeEach
	void writeImage() {
		final float[] v = new float[32 * 32];
		for (int i = 0; i < v.length; i++) v[i] = 100 + i % 53;
		image = tmp.resolve("cell.tif");
		assertTrue(new FileSaver(new ImagePlus("cell", new FloatProcessor(32, 32, v))).saveAsTiff(image.toString()));
	}

	/** Runs the CLI and checks the refusal: exit 2, one line holding {@code cause}, no output, inputs unchanged. */
	private void refused(final String cause, final Path model, final String... args) throws IOException {
		final Map<Path, byte[]> before = new HashMap<>();
		for (final Path p : new Path[] { image, model, model.resolveSibling(model.getFileName().toString().replace(".pt", ".json")) }) {
			if (Files.exists(p)) before.put(p, Files.readAllBytes(p));
		}
		final Path out = tmp.resolve("out.tif");
		final String[] all = Arrays.copyOf(args, args.length + 8);
		System.arraycopy(new String[] { "--model", model.toString(), "--image", image.toString(), "--out", out.toString(), "--overlay",
			tmp.resolve("out.png").toString() }, 0, all, args.length, 8);
		final ByteArrayOutputStream err = new ByteArrayOutputStream();
		final int code = Main.run(all, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
			new PrintStream(err, true, StandardCharsets.UTF_8));
		final String text = err.toString(StandardCharsets.UTF_8).strip();
		assertEquals(2, code, text);
		assertEquals(1, text.split("\n").length, text);
		assertTrue(text.contains(cause), text);
		assertFalse(Files.exists(out), "no output is written");
		for (final Map.Entry<Path, byte[]> e : before.entrySet()) assertArrayEquals(e.getValue(), Files.readAllBytes(e.getKey()), e.getKey().toString());
	}

	private Path model(final String testModel, final String sidecar) throws IOException {
		final Path pt = tmp.resolve(testModel + ".pt");
		Files.copy(TestData.testModel(testModel), pt);
		if (sidecar != null) Files.writeString(tmp.resolve(testModel + ".json"), sidecar);
		return pt;
	}

	@Test
	void nanScores() throws IOException {
		refused("gives NaN or infinite scores (its output) for this image; they first appear at the output of stage 'sqrt3'",
			model("trust-nan", null), "saliency");
	}

	@Test
	void nanActivationsInAStagewiseMethod() throws IOException {
		refused("stage 'sqrt3'", model("trust-nan", null), "guided-backprop");
	}

	@Test
	void stagesThatDisagreeWithForward() throws IOException {
		refused("cannot use the stages of trust-mismatch.pt: forward_layers(x, 0, 5) differs from forward(x)", model("trust-mismatch", null), "lrp");
	}

	@Test
	void wrongTypesInTheSidecar() throws IOException {
		refused("\"input.channels\" must be a positive whole number (e.g. \"channels\": 1), not \"two\"",
			model("trust-mismatch", "{\"input\": {\"channels\": \"two\"}}"), "saliency");
		refused("\"normalize.std\" must be a finite number or a list of finite numbers",
			model("trust-nan", "{\"normalize\": {\"type\": \"meanstd\", \"mean\": [1], \"std\": [NaN]}}"), "saliency");
	}

	@Test
	void tooFewOrDuplicateClassNames() throws IOException {
		refused("names 2 class(es) in \"classes\" but the model returns 3 score(s) per image", model("trust-mismatch", "{\"classes\": [\"a\", \"b\"]}"),
			"saliency");
		refused("\"b\" appears more than once", model("trust-nan", "{\"classes\": [\"a\", \"b\", \"b\"]}"), "saliency");
	}

	@Test
	void aModelOtherThanTheSidecarPins() throws IOException {
		refused("is not the one its sidecar trust-mismatch.json pins", model("trust-mismatch", "{\"sha256\": \"" + "ab".repeat(32) + "\"}"),
			"saliency");
	}

	@Test
	void aTruncatedImage() throws IOException {
		final byte[] whole = Files.readAllBytes(image);
		Files.write(image, Arrays.copyOf(whole, 300));
		refused("is truncated: its TIFF header describes 32x32 pixels", model("trust-mismatch", null), "saliency");
	}
}
