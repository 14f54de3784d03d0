package io.github.explainij.command;

import static io.github.explainij.TestData.assertRelativeClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.gui.Roi;
import ij.process.FloatProcessor;
import ij.process.ShortProcessor;

import io.github.explainij.TestData;
import io.github.explainij.cli.Main;
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
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.module.Module;

/**
 * Regions, objects and planes through the commands and the command line: a label image with three
 * objects on a per-pixel linear segmentation model (dense-linear: out[k] = w[k] x + b[k]) gives three
 * slices whose values and table rows are hand-computable; a classifier explains crops; planes=all equals
 * the plane-by-plane results.
 */
class RegionCommandsTest extends CommandTestContext {

	private static final float[] W = { 1f, -2f, 0.5f }, B = { 0f, 1f, -1f };
	private static final int SIZE = 12;

	@TempDir
	Path tmp;

	private static float[] pixels() {
		final float[] x = new float[SIZE * SIZE];
		for (int i = 0; i < x.length; i++) x[i] = (float) (Math.sin(i * 0.61) * 3 + (i % 7) * 0.25);
		return x;
	}

	/** Labels 2, 5 and 9: three rectangles of different sizes. */
	private static short[] labels() {
		final short[] l = new short[SIZE * SIZE];
		for (int y = 0; y < SIZE; y++) {
			for (int x = 0; x < SIZE; x++) {
				if (x < 3 && y < 4) l[y * SIZE + x] = 2;
				else if (x >= 5 && x < 10 && y >= 2 && y < 5) l[y * SIZE + x] = 5;
				else if (x >= 4 && y >= 8) l[y * SIZE + x] = 9;
			}
		}
		return l;
	}

	@Test
	void labelImageWithThreeObjectsGivesThreeSlicesAndATable() throws Exception {
		final Path image = tmp.resolve("cells.tif"), labels = tmp.resolve("labels.tif");
		IJ.saveAsTiff(new ImagePlus("cells", new FloatProcessor(SIZE, SIZE, pixels())), image.toString());
		IJ.saveAsTiff(new ImagePlus("labels", new ShortProcessor(SIZE, SIZE, labels(), null)), labels.toString());
		final Path out = tmp.resolve("out.tif"), table = tmp.resolve("objects.csv");
		final ByteArrayOutputStream stdout = new ByteArrayOutputStream(), stderr = new ByteArrayOutputStream();
		final int status = Main.run(new String[] { "saliency", "--model", TestData.testModel("dense-linear").toString(), "--image",
			image.toString(), "--region", labels.toString(), "--table", table.toString(), "--target", "1", "--out", out.toString(),
			"--param", "absolute=false" }, new PrintStream(stdout, true, StandardCharsets.UTF_8), new PrintStream(stderr, true, StandardCharsets.UTF_8));
		assertEquals(0, status, stderr.toString(StandardCharsets.UTF_8));

		final ImagePlus maps = IJ.openImage(out.toString());
		assertEquals(3, maps.getStackSize());
		final short[] l = labels();
		final float[] x = pixels();
		final int[] objects = { 2, 5, 9 };
		final List<String> rows = Files.readAllLines(table);
		assertEquals("object,label,name,class,class_name,score,inside,outside,share_inside", rows.get(0));
		assertEquals(4, rows.size(), String.join("\n", rows));
		for (int o = 0; o < 3; o++) {
			assertEquals("label " + objects[o], maps.getStack().getSliceLabel(o + 1));
			int area = 0;
			double mean = 0;
			for (int i = 0; i < l.length; i++) {
				if (l[i] == objects[o]) {
					area++;
					mean += W[1] * x[i] + B[1];
				}
			}
			mean /= area;
			final float[] expected = new float[l.length];
			for (int i = 0; i < l.length; i++) expected[i] = l[i] == objects[o] ? W[1] / area : 0;
			assertRelativeClose(expected, (float[]) maps.getStack().getProcessor(o + 1).getPixels(), 1e-6, "object " + objects[o]);
			final String[] row = rows.get(o + 1).split(",");
			assertEquals(Integer.toString(o + 1), row[0]);
			assertEquals(Integer.toString(objects[o]), row[1]);
			assertEquals("label " + objects[o], row[2]);
			assertEquals("1", row[3]);
			assertEquals("cell", row[4]);
			assertEquals(mean, Double.parseDouble(row[5]), 1e-5 * Math.abs(mean), "score of object " + objects[o]);
			assertEquals(W[1], Double.parseDouble(row[6]), 1e-6, "inside = sum of w / |R| over R");
			assertEquals(0, Double.parseDouble(row[7]), 1e-12, "outside");
			assertEquals(1, Double.parseDouble(row[8]), 1e-9, "share inside");
		}
		assertTrue(stdout.toString(StandardCharsets.UTF_8).contains("wrote " + table), stdout.toString(StandardCharsets.UTF_8));
	}

	@Test
	void selectionOnASegmentationModelIsOneRegion() {
		final ImagePlus imp = new ImagePlus("cells", new FloatProcessor(SIZE, SIZE, pixels()));
		imp.setRoi(new Roi(2, 3, 4, 5));
		final Module m = runCommand("saliency", imp, TestData.testModel("dense-linear"),
			Map.of("region", "selection", "target", "2", "absolute", "false", "region_score", "sum", "show_overlay", "false"));
		assertNull(ExplainCommands.cancelReason(m));
		final ImagePlus a = (ImagePlus) m.getOutput("attribution");
		assertEquals(1, a.getStackSize());
		final float[] expected = new float[SIZE * SIZE];
		for (int y = 3; y < 8; y++) for (int x = 2; x < 6; x++) expected[y * SIZE + x] = W[2];
		assertRelativeClose(expected, (float[]) a.getProcessor().getPixels(), 1e-6, "sum over the selection");
		assertTrue(a.getProp("region").startsWith("selection"), a.getProp("region"));
		assertTrue(a.getProp("objects_explained_as").contains("regions of the segmentation output"));
	}

	@Test
	void aClassifierExplainsACropAroundEachObject() {
		final ImagePlus imp = TestData.openSample("cells", "mitotic_000");
		final short[] l = new short[64 * 64];
		for (int y = 20; y < 44; y++) for (int x = 18; x < 40; x++) l[y * 64 + x] = 1;
		for (int y = 2; y < 10; y++) for (int x = 50; x < 60; x++) l[y * 64 + x] = 3;
		final Path labels = tmp.resolve("l.tif");
		IJ.saveAsTiff(new ImagePlus("l", new ShortProcessor(64, 64, l, null)), labels.toString());
		final Module m = runCommand("saliency", imp, TestData.model("cells-gap"),
			Map.of("region", "label image", "label_image", labels.toString(), "crop_context", "4", "show_overlay", "false"));
		assertNull(ExplainCommands.cancelReason(m));
		final ImagePlus a = (ImagePlus) m.getOutput("attribution");
		assertEquals(2, a.getStackSize());
		final int[][] boxes = { { 14, 16, 43, 47 }, { 46, 0, 63, 13 } }; // bounding box +- 4 px, clipped
		for (int o = 0; o < 2; o++) {
			final int[] b = boxes[o];
			final ImagePlus crop = new ImagePlus("crop", imp.getProcessor().duplicate());
			crop.setRoi(b[0], b[1], b[2] - b[0] + 1, b[3] - b[1] + 1);
			final ExplainRequest r = new ExplainRequest(TestData.network(TestData.model("cells-gap")),
				ImagePlusAdapter.currentPlanes(crop.crop()), TargetSpec.predicted(), ScoreKind.LOGIT);
			final float[] cropMap = ImagePlusAdapter.toChw(new SaliencyMap(true, false).explain(r).map());
			final float[] expected = new float[64 * 64];
			final int cw = b[2] - b[0] + 1;
			for (int y = b[1]; y <= b[3]; y++) System.arraycopy(cropMap, (y - b[1]) * cw, expected, y * 64 + b[0], cw);
			assertRelativeClose(expected, (float[]) a.getStack().getProcessor(o + 1).getPixels(), 1e-6, "object " + (o + 1));
		}
		final AttributionCommand command = (AttributionCommand) ((org.scijava.command.CommandModule) m).getCommand();
		assertEquals(2, command.resultsTable().size());
		assertTrue(a.getProp("objects_explained_as").contains("crops"));
	}

	@Test
	void allPlanesEqualEachPlaneAlone() {
		final String[] names = { "mitotic_000", "foci_000", "apoptotic_000", "interphase_000" };
		final ImageStack stack = new ImageStack(64, 64);
		for (final String n : names) stack.addSlice(n, TestData.openSample("cells", n).getProcessor());
		final ImagePlus hyper = new ImagePlus("zt", stack);
		hyper.setDimensions(1, 2, 2);
		hyper.setOpenAsHyperStack(true);
		final Module m = runCommand("grad-cam", hyper, TestData.model("cells-gap"), Map.of("planes", "all", "show_overlay", "false"));
		assertNull(ExplainCommands.cancelReason(m));
		final ImagePlus a = (ImagePlus) m.getOutput("attribution");
		assertEquals(2, a.getNSlices());
		assertEquals(2, a.getNFrames());
		for (int t = 1; t <= 2; t++) {
			for (int z = 1; z <= 2; z++) {
				hyper.setPosition(1, z, t);
				final Module one = runCommand("grad-cam", hyper, TestData.model("cells-gap"), Map.of("show_overlay", "false"));
				final float[] expected = (float[]) ((ImagePlus) one.getOutput("attribution")).getProcessor().getPixels();
				final int index = a.getStackIndex(1, z, t);
				assertEquals("z=" + z + " t=" + t, a.getStack().getSliceLabel(index));
				assertRelativeClose(expected, (float[]) a.getStack().getProcessor(index).getPixels(), 1e-6, "plane z=" + z + " t=" + t);
			}
		}
	}

	@Test
	void missingLabelImageAndRegionWithAllPlanesAreRefused() {
		final ImagePlus imp = new ImagePlus("cells", new FloatProcessor(SIZE, SIZE, pixels()));
		final Module noFile = runCommand("saliency", imp, TestData.testModel("dense-linear"), Map.of("region", "label image"));
		assertTrue(ExplainCommands.cancelReason(noFile).contains("needs a label image or mask file"), ExplainCommands.cancelReason(noFile));
		imp.setRoi(new Roi(1, 1, 3, 3));
		final Module both = runCommand("saliency", imp, TestData.testModel("dense-linear"), Map.of("region", "selection", "planes", "all"));
		assertTrue(ExplainCommands.cancelReason(both).contains("planes=current"), ExplainCommands.cancelReason(both));
		final Module noRoi = runCommand("saliency", new ImagePlus("n", new FloatProcessor(SIZE, SIZE, pixels())),
			TestData.testModel("dense-linear"), Map.of("region", "selection"));
		assertTrue(ExplainCommands.cancelReason(noRoi).contains("has no selection"), ExplainCommands.cancelReason(noRoi));
	}
}
