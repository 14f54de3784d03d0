package io.github.explainij.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.IJ;
import ij.ImagePlus;

import io.github.explainij.TestData;
import io.github.explainij.inspect.Filters;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** feature-maps, filters, receptive-field and deconvnet-unit on the command line: files and values written, exit 2 on a bad layer. */
class InsideSingleCliTest extends CommandLineRun {

	@TempDir
	Path tmp;

	@Test
	void featureMapsAndFiltersWriteTheirStacksAndTables() throws Exception {
		final Path maps = tmp.resolve("maps.tif");
		assertEquals(0, run("feature-maps", "--model", TestData.model("cells-gap").toString(), "--image",
			TestData.sample("cells-shortcut", "foci_002").toString(), "--out", maps.toString(), "--param", "layer=pool2"), errors());
		final ImagePlus m = IJ.openImage(maps.toString());
		assertEquals(32, m.getStackSize());
		assertEquals(16, m.getWidth());
		assertEquals("pool2 channel 31", m.getStack().getSliceLabel(32));
		final List<String> rows = Files.readAllLines(tmp.resolve("maps.csv"));
		assertEquals(33, rows.size(), rows.toString());

		final Path filters = tmp.resolve("filters.tif");
		assertEquals(0, run("filters", "--model", TestData.model("cells-gap").toString(), "--out", filters.toString(),
			"--param", "layer=conv1"), errors());
		final ImagePlus f = IJ.openImage(filters.toString());
		assertEquals(16, f.getStackSize());
		assertEquals("conv1 out 3 in 0", f.getStack().getSliceLabel(4));
		final Filters expected = Filters.of(TestData.network(TestData.model("cells-gap")), "conv1");
		assertEquals(expected.kernel(3, 0)[2 * 3 + 1], f.getStack().getProcessor(4).getf(1, 2), 0.0);
		assertTrue(Files.isRegularFile(tmp.resolve("filters_montage.tif")));
		final String header = Files.readAllLines(tmp.resolve("filters.csv")).get(0);
		assertEquals("layer,out_channel,mean,std,min,max,l2_norm,bias", header);
	}

	@Test
	void receptiveFieldAndDeconvnetUnitWriteTheirRows() throws Exception {
		final Path field = tmp.resolve("field.tif");
		assertEquals(0, run("receptive-field", "--model", TestData.model("cells-gap").toString(), "--image",
			TestData.sample("cells-shortcut", "foci_002").toString(), "--out", field.toString(), "--param", "layer=pool2",
			"--param", "x=15", "--param", "y=0"), errors());
		final List<String> rows = Files.readAllLines(tmp.resolve("field.csv"));
		assertEquals("layer,x,y,x0,y0,x1,y1,width,height,found_by", rows.get(0));
		assertEquals("pool2,15,0,57,0,63,6,10,10,analytic", rows.get(1));
		assertTrue(out.toString(StandardCharsets.UTF_8).contains("found_by: analytic"));

		final Path unit = tmp.resolve("unit.tif");
		assertEquals(0, run("deconvnet-unit", "--model", TestData.model("cells-gap").toString(), "--image",
			TestData.sample("cells-shortcut", "foci_002").toString(), "--out", unit.toString(), "--param", "layer=relu2",
			"--param", "channel=7", "--param", "x=11", "--param", "y=14"), errors());
		final ImagePlus map = IJ.openImage(unit.toString());
		assertEquals(64, map.getWidth());
		// the projection lies inside the unit's receptive field (columns 19 .. 26, rows 25 .. 32)
		assertEquals(0f, map.getProcessor().getf(10, 10), 0.0);
		boolean inside = false;
		for (int y = 25; y <= 32; y++) {
			for (int x = 19; x <= 26; x++) inside |= map.getProcessor().getf(x, y) != 0;
		}
		assertTrue(inside);
		final String row = Files.readAllLines(tmp.resolve("unit.csv")).get(1);
		assertTrue(row.startsWith("relu2,7,11,14,"), row);
		assertEquals(35.9997, Double.parseDouble(row.split(",")[4]), 1e-3, row);
	}

	@Test
	void aBadLayerExitsTwoWithOneLine() {
		for (final String command : new String[] { "feature-maps", "receptive-field", "deconvnet-unit" }) {
			assertEquals(2, run(command, "--model", TestData.model("cells-gap").toString(), "--image",
				TestData.sample("cells-shortcut", "foci_002").toString(), "--out", tmp.resolve(command + ".tif").toString(),
				"--param", "layer=relu9"), command);
			final String e = errors().trim();
			assertTrue(e.contains("the model has no stage 'relu9'; its stages are [conv1, relu1, pool1, conv2"), e);
			assertEquals(1, e.lines().count(), e);
			assertFalse(Files.exists(tmp.resolve(command + ".tif")));
		}
		assertEquals(2, run("filters", "--model", TestData.model("cells-gap").toString(), "--out", tmp.resolve("f.tif").toString(),
			"--param", "layer=gap"));
		assertTrue(errors().contains("the stage 'gap' is not a convolution (its kind is avgpool)"), errors());
	}
}
