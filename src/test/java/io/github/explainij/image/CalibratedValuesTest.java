package io.github.explainij.image;

import static io.github.explainij.TestData.assertRelativeClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.io.FileSaver;
import ij.measure.Calibration;
import ij.process.ShortProcessor;

import io.github.explainij.ExplainException;
import io.github.explainij.TestData;
import io.github.explainij.cli.Main;
import io.github.explainij.method.ExplainRequest;
import io.github.explainij.method.SaliencyMap;
import io.github.explainij.method.gradient.GradientXInput;
import io.github.explainij.model.InputTransform;
import io.github.explainij.model.Network;
import io.github.explainij.target.ScoreKind;
import io.github.explainij.target.TargetSpec;

import ai.djl.ndarray.types.Shape;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pixel values are the values the user sees (issue 8): a signed 16-bit TIFF is explained on its real
 * values, equal to PyTorch on those values (fixtures/trust/signed16_gap.json, make_trust_fixtures.py);
 * truncated TIFFs are refused.
 */
class CalibratedValuesTest {

	@TempDir
	Path tmp;

	private static final Path SIGNED = TestData.repo().resolve("src/test/resources/fixtures/trust/signed16.tif");

	private static JsonObject reference() throws IOException {
		return JsonParser.parseString(Files.readString(TestData.repo().resolve("src/test/resources/fixtures/trust/signed16_gap.json")))
			.getAsJsonObject();
	}

	@Test
	void signed16BitTiffGivesItsRealValues() throws IOException {
		final ImagePlus imp = ImageFiles.open(SIGNED.toFile(), "image");
		assertEquals(ImagePlus.GRAY16, imp.getType());
		assertTrue(imp.getCalibration().isSigned16Bit(), "ImageJ reads int16 as shifted 16-bit with a calibration function");
		final float[] values = ImagePlusAdapter.toChw(ImagePlusAdapter.currentPlanes(imp));
		assertArrayEquals(TestData.floats(reference().getAsJsonArray("values")), values, 0);
		assertEquals(-900, min(values), 0);
	}

	@Test
	void methodsOnASigned16BitImageEqualPyTorchOnTheRealValues() throws IOException {
		final JsonObject ref = reference();
		final Network net = TestData.network(TestData.model("cells-gap"));
		final ImagePlus imp = ImageFiles.open(SIGNED.toFile(), "image");
		final ExplainRequest r = new ExplainRequest(net, ImagePlusAdapter.currentPlanes(imp), TargetSpec.index(1), ScoreKind.LOGIT);
		final float[][] planes = ImagePlusAdapter.planes(ImagePlusAdapter.currentPlanes(imp));
		final InputTransform t = net.transformFor(planes);
		assertRelativeClose(TestData.floats(ref.getAsJsonArray("logits")), net.logits(planes[0], new Shape(1, 1, 16, 16), t), 1e-4, "logits");
		assertRelativeClose(TestData.floats(ref.getAsJsonArray("gradient")),
			ImagePlusAdapter.toChw(new SaliencyMap(false, false).explain(r).map()), 1e-4, "saliency");
		assertRelativeClose(TestData.floats(ref.getAsJsonArray("gradient_x_input")),
			ImagePlusAdapter.toChw(new GradientXInput(false).explain(r).map()), 1e-4, "gradient x input");
	}

	@Test
	void theCommandLineExplainsTheRealValues() throws IOException {
		final Path out = tmp.resolve("gxi.tif");
		final ByteArrayOutputStream err = new ByteArrayOutputStream();
		final int code = Main.run(new String[] { "gradient-x-input", "--model", TestData.model("cells-gap").toString(), "--image",
			SIGNED.toString(), "--target", "1", "--out", out.toString(), "--overlay", tmp.resolve("gxi.png").toString() },
			new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
		assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
		assertRelativeClose(TestData.floats(reference().getAsJsonArray("gradient_x_input")),
			(float[]) IJ.openImage(out.toString()).getProcessor().getPixels(), 1e-4, "written gradient x input");
	}

	@Test
	void volumesAreCalibratedToo() {
		final ImageStack stack = new ImageStack(2, 1);
		stack.addSlice(new ShortProcessor(2, 1, new short[] { 0, 10 }, null));
		stack.addSlice(new ShortProcessor(2, 1, new short[] { 20, 30 }, null));
		final ImagePlus imp = new ImagePlus("z", stack);
		imp.getCalibration().setFunction(Calibration.STRAIGHT_LINE, new double[] { -1, 0.5 }, "a.u.");
		assertArrayEquals(new float[] { -1, 4, 9, 14 }, ImagePlusAdapter.volumeAt(imp, 1), 0);
	}

	@Test
	void aCalibrationFunctionThatGivesNaNIsRefused() {
		final ImagePlus imp = new ImagePlus("od", new ij.process.ByteProcessor(2, 1, new byte[] { 0, 10 }));
		final float[] table = new float[256];
		Arrays.fill(table, 1);
		table[0] = Float.NaN;
		imp.getCalibration().setCTable(table, "od");
		final ExplainException e = assertThrows(ExplainException.class, () -> ImagePlusAdapter.currentPlanes(imp));
		assertTrue(e.getMessage().startsWith("the calibration function of 'od' turns 1 pixel(s) into NaN"), e.getMessage());
		assertTrue(e.getMessage().contains("Analyze > Calibrate..."), e.getMessage());
	}

	@Test
	void aTruncatedTiffIsRefused() throws IOException {
		final ShortProcessor sp = new ShortProcessor(64, 64);
		for (int i = 0; i < 64 * 64; i++) sp.set(i, 100 + i % 300);
		final File whole = tmp.resolve("whole.tif").toFile();
		assertTrue(new FileSaver(new ImagePlus("whole", sp)).saveAsTiff(whole.getPath()));
		assertEquals(100, ImageFiles.open(whole, "image").getProcessor().get(0), "a whole TIFF opens");
		final byte[] bytes = Files.readAllBytes(whole.toPath());
		// the header and half the pixels; then the header alone (ImageJ reads the missing pixels as zeros)
		for (final int keep : new int[] { bytes.length / 2, (int) info(whole).getOffset() }) {
			final Path cut = tmp.resolve("cut" + keep + ".tif");
			Files.write(cut, Arrays.copyOf(bytes, keep));
			final ExplainException e = assertThrows(ExplainException.class, () -> ImageFiles.open(cut.toFile(), "image"));
			assertEquals("the image " + cut + " is truncated: its TIFF header describes 64x64 pixels (1 plane(s)) whose data end at byte " +
				bytes.length + ", but the file has only " + keep + " bytes. Copy the file again from its source", e.getMessage());
			assertArrayEquals(Arrays.copyOf(bytes, keep), Files.readAllBytes(cut), "the file is not touched");
		}
	}

	@Test
	void aTruncatedStackIsRefused() throws IOException {
		final ImageStack stack = new ImageStack(8, 8);
		for (int z = 0; z < 3; z++) stack.addSlice(new ShortProcessor(8, 8));
		final File whole = tmp.resolve("stack.tif").toFile();
		assertTrue(new FileSaver(new ImagePlus("stack", stack)).saveAsTiffStack(whole.getPath()));
		final byte[] bytes = Files.readAllBytes(whole.toPath());
		final Path cut = tmp.resolve("stack-cut.tif");
		// ImageJ writes its pixel data before the metadata at the end: cut inside the third plane
		Files.write(cut, Arrays.copyOf(bytes, (int) pixelEnd(whole) - 10));
		final ExplainException e = assertThrows(ExplainException.class, () -> ImageFiles.open(cut.toFile(), "label image"));
		assertTrue(e.getMessage().startsWith("the label image " + cut + " is truncated: its TIFF header describes 8x8 pixels (3 plane(s))"),
			e.getMessage());
	}

	@Test
	void aFileThatIsNoImageIsRefused() throws IOException {
		final Path junk = tmp.resolve("junk.tif");
		Files.writeString(junk, "II*\0not really a tiff");
		final ExplainException e = assertThrows(ExplainException.class, () -> ImageFiles.open(junk.toFile(), "image"));
		assertTrue(e.getMessage().startsWith("cannot read the image " + junk), e.getMessage());
	}

	private static ij.io.FileInfo info(final File f) throws IOException {
		return new ij.io.TiffDecoder(f.getParent() + File.separator, f.getName()).getTiffInfo()[0];
	}

	private static long pixelEnd(final File f) throws IOException {
		final ij.io.FileInfo fi = info(f);
		return fi.getOffset() + (long) fi.nImages * fi.width * fi.height * fi.getBytesPerPixel();
	}

	private static float min(final float[] v) {
		float m = Float.POSITIVE_INFINITY;
		for (final float x : v) m = Math.min(m, x);
		return m;
	}
}
