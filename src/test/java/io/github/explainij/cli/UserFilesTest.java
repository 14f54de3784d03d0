package io.github.explainij.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.IJ;
import ij.ImagePlus;

import io.github.explainij.ExplainException;
import io.github.explainij.TestData;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The user's files are safe: no output is an input (the image, the model, its sidecar, a label image),
 * refused before any work with one line and exit 2; an existing file is replaced only where the user named
 * it, and the run says so; outputs appear whole or not at all.
 */
class UserFilesTest {

	@TempDir
	Path tmp;

	private final ByteArrayOutputStream out = new ByteArrayOutputStream();
	private final ByteArrayOutputStream err = new ByteArrayOutputStream();

	private int run(final String... args) {
		out.reset();
		err.reset();
		return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
	}

	private String oneLine() {
		final String e = err.toString(StandardCharsets.UTF_8).strip();
		assertEquals(1, e.split("\\R").length, e);
		return e;
	}

	/** The test's own copies of a model (with its sidecar), an image and a label image. */
	private Path model, sidecar, image, labels;

	private void copyInputs() throws IOException {
		model = Files.copy(TestData.model("cells-gap"), tmp.resolve("cells-gap.pt"));
		sidecar = Files.copy(TestData.model("cells-gap").resolveSibling("cells-gap.json"), tmp.resolve("cells-gap.json"));
		image = Files.copy(TestData.sample("cells", "mitotic_005"), tmp.resolve("mitotic_005.tif"));
		labels = Files.copy(TestData.repo().resolve("sample-data/cells/labels/mitotic_005.tif"), tmp.resolve("labels.tif"));
	}

	private List<byte[]> inputBytes() throws IOException {
		return List.of(Files.readAllBytes(model), Files.readAllBytes(sidecar), Files.readAllBytes(image), Files.readAllBytes(labels));
	}

	private void assertInputsUnchanged(final List<byte[]> before) throws IOException {
		final List<byte[]> now = inputBytes();
		for (int i = 0; i < before.size(); i++) assertArrayEquals(before.get(i), now.get(i), "input file " + i + " changed");
	}

	@Test
	void noOutputIsAnInputFile() throws Exception {
		copyInputs();
		final List<byte[]> before = inputBytes();
		Files.createDirectories(tmp.resolve("sub"));
		Files.createSymbolicLink(tmp.resolve("link.tif"), image);
		final String m = model.toString(), i = image.toString();
		// the image, spelled three ways (as given, through "..", through a symbolic link), as --out and --overlay
		assertEquals(2, run("saliency", "--model", m, "--image", i, "--out", i));
		assertEquals("error: --out " + i + " is the --image file: an output never overwrites an input; choose another path for --out", oneLine());
		final String dotted = tmp.resolve("sub/../mitotic_005.tif").toString();
		assertEquals(2, run("saliency", "--model", m, "--image", i, "--out", tmp.resolve("o.tif").toString(), "--overlay", dotted));
		assertEquals("error: --overlay " + dotted + " is the --image file: an output never overwrites an input; choose another path for --overlay",
			oneLine());
		assertEquals(2, run("saliency", "--model", m, "--image", tmp.resolve("link.tif").toString(), "--out", i));
		assertTrue(oneLine().startsWith("error: --out " + i + " is the --image file"));
		// the model, its sidecar, the label image of --region
		assertEquals(2, run("saliency", "--model", m, "--image", i, "--out", m));
		assertTrue(oneLine().startsWith("error: --out " + m + " is the --model file"));
		assertEquals(2, run("saliency", "--model", m, "--image", i, "--overlay", sidecar.toString(), "--out", tmp.resolve("o.tif").toString()));
		assertTrue(oneLine().startsWith("error: --overlay " + sidecar + " is the model's sidecar file"));
		assertEquals(2, run("grad-cam", "--model", TestData.model("cells-unet").toString(), "--image", i, "--region", labels.toString(),
			"--out", tmp.resolve("o.tif").toString(), "--table", labels.toString()));
		assertTrue(oneLine().startsWith("error: --table " + labels + " is the --region file"));
		// an extra image written beside --out: occlusion's window map would be <out>_window_map.tif
		Files.copy(image, tmp.resolve("occ_window_map.tif"));
		assertEquals(2, run("occlusion", "--model", m, "--image", tmp.resolve("occ_window_map.tif").toString(), "--out",
			tmp.resolve("occ.tif").toString()));
		assertTrue(oneLine().contains("image beside --out " + tmp.resolve("occ_window_map.tif") + " is the --image file"), err.toString());
		// two outputs in one file
		assertEquals(2, run("saliency", "--model", m, "--image", i, "--out", tmp.resolve("same.tif").toString(), "--overlay",
			tmp.resolve("same.tif").toString()));
		assertEquals("error: --overlay " + tmp.resolve("same.tif") + " is also --out: give each output its own file", oneLine());
		// a folder
		assertEquals(2, run("saliency", "--model", m, "--image", i, "--out", tmp.resolve("sub").toString()));
		assertEquals("error: --out " + tmp.resolve("sub") + " is a folder: give a file name", oneLine());

		assertInputsUnchanged(before);
		assertFalse(Files.exists(tmp.resolve("o.tif")) || Files.exists(tmp.resolve("occ.tif")) || Files.exists(tmp.resolve("same.tif")),
			"refused before any work: nothing written");
		assertEquals(List.of(), partialFiles());
	}

	@Test
	void existingOutputsNamedByTheUserAreReplacedAndSaidSo() throws Exception {
		copyInputs();
		final List<byte[]> before = inputBytes();
		final Path tif = tmp.resolve("out/s.tif"), png = tmp.resolve("out/s.png"), csv = tmp.resolve("out/objects.csv");
		Files.createDirectories(tif.getParent());
		for (final Path p : List.of(tif, png, csv)) Files.writeString(p, "an older file");
		assertEquals(0, run("saliency", "--model", model.toString(), "--image", image.toString(), "--region", labels.toString(),
			"--out", tif.toString(), "--overlay", png.toString(), "--table", csv.toString()), err.toString());
		final String stdout = out.toString(StandardCharsets.UTF_8);
		assertTrue(stdout.contains("replaced " + tif + "\n") && stdout.contains("replaced " + png + "\n") &&
			stdout.contains("replaced " + csv + "\n"), stdout);
		final ImagePlus written = IJ.openImage(tif.toString());
		assertEquals(ImagePlus.GRAY32, written.getType());
		assertEquals(3, written.getStackSize()); // one slice per object of the label image
		assertEquals("Saliency Map", written.getProp("method"), "the result's properties are in the file");
		assertEquals("cells-gap", written.getProp("model_name"));
		assertEquals(ImagePlus.COLOR_RGB, IJ.openImage(png.toString()).getType());
		assertEquals(4, Files.readAllLines(csv).size()); // header and three objects
		// a second run into fresh names says "wrote"
		assertEquals(0, run("saliency", "--model", model.toString(), "--image", image.toString(), "--out", tmp.resolve("out/t.tif").toString()));
		assertTrue(out.toString(StandardCharsets.UTF_8).contains("wrote " + tmp.resolve("out/t.tif") + "\n"), out.toString());
		assertInputsUnchanged(before);
		assertEquals(List.of(), partialFiles());
	}

	@Test
	void anExistingFileTheUserDidNotNameIsKept() throws Exception {
		final Path kept = tmp.resolve("kept.tif");
		Files.writeString(kept, "mine");
		final Outputs outputs = new Outputs().input("--image", tmp.resolve("image.tif"));
		final ExplainException e = assertThrows(ExplainException.class, () -> outputs.plan("--out", kept, false));
		assertEquals("--out " + kept + " exists and was not named by you: give --out " + kept + " to replace it, or move it away", e.getMessage());
		assertEquals("mine", Files.readString(kept));
		outputs.plan("--out", kept, true); // named: may be replaced
		assertEquals(List.of("--out"), outputs.planned());
	}

	@Test
	void aWriteThatFailsLeavesTheOldFileAndNoPartialFile() throws Exception {
		final Path target = tmp.resolve("map.tif");
		Files.writeString(target, "the old map");
		final ExplainException e = assertThrows(ExplainException.class, () -> Outputs.write(target, temporary -> {
			Files.writeString(temporary, "half of a new m");
			throw new IOException("No space left on device");
		}));
		assertEquals("cannot write " + target + ": No space left on device; check that the folder is writable and has space", e.getMessage());
		assertEquals("the old map", Files.readString(target));
		assertEquals(List.of(), partialFiles());
		// a write that completes replaces the file in one step and says so
		assertEquals("replaced " + target, Outputs.write(target, temporary -> Files.writeString(temporary, "the new map")));
		assertEquals("the new map", Files.readString(target));
		assertEquals("wrote " + tmp.resolve("new.txt"), Outputs.text(List.of("a", "b"), tmp.resolve("new.txt")));
		assertEquals(List.of("a", "b"), Files.readAllLines(tmp.resolve("new.txt")));
		assertEquals(List.of(), partialFiles());
	}

	/** Temporary files left anywhere under the test folder. */
	private List<Path> partialFiles() throws IOException {
		try (Stream<Path> all = Files.walk(tmp)) {
			return all.filter(p -> p.getFileName().toString().contains(".partial-")).toList();
		}
	}
}
