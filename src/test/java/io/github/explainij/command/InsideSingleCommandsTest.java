package io.github.explainij.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import ij.gui.Roi;
import ij.measure.ResultsTable;

import io.github.explainij.TestData;
import io.github.explainij.image.ImagePlusAdapter;
import io.github.explainij.inspect.FeatureMaps;
import io.github.explainij.inspect.Filters;
import io.github.explainij.inspect.UnitDeconvnet;

import java.awt.Rectangle;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.scijava.module.Module;

/**
 * Feature maps, filters, receptive field and deconvnet-unit as Fiji runs them: slice labels, stacks,
 * montages, ROIs and table values equal what the numerics (checked against PyTorch and Captum in
 * InspectSingleReferenceTest) compute; bad input fails with one line.
 */
class InsideSingleCommandsTest extends CommandTestContext {

	private static String failure(final Module m) {
		return ((AnalysisCommand) m.getDelegateObject()).getCancelReason();
	}

	@Test
	void featureMapsSlicesTableAndMontage() {
		final ImagePlus image = TestData.openSample("cells-shortcut", "mitotic_004");
		final AnalysisResults r = results(runCommand("feature-maps", image, TestData.model("cells-bn"), Map.of("layer", "relu2", "montage", "true")));
		final ImagePlus maps = r.main();
		assertEquals(16, maps.getStackSize());
		assertEquals(32, maps.getWidth());
		assertEquals("relu2 channel 0", maps.getStack().getSliceLabel(1));
		assertEquals("relu2 channel 15", maps.getStack().getSliceLabel(16));
		final FeatureMaps expected = FeatureMaps.of(TestData.network(TestData.model("cells-bn")),
			ImagePlusAdapter.planes(ImagePlusAdapter.currentPlanes(image)), 64, 64, "relu2");
		assertEquals(expected.channel(7)[5 * 32 + 9], maps.getStack().getProcessor(8).getf(9, 5), 0.0);
		final ResultsTable t = r.table();
		assertEquals(16, t.size());
		assertEquals(expected.mean(7), t.getValue("mean", 7), 1e-9);
		assertEquals(expected.fractionZero(3), t.getValue("fraction_zero", 3), 1e-12);
		final ImagePlus montage = r.images().get("montage");
		// 16 channels of 32 x 32 in 4 columns, 1-pixel borders between them
		assertEquals(4 * 32 + 3, montage.getWidth());
		assertEquals(expected.channel(5)[3 * 32 + 4], montage.getProcessor().getf(33 + 4, 33 + 3), 0.0);
	}

	@Test
	void filtersStackLabelsAndStatistics() {
		final AnalysisResults r = results(runCommand("filters", null, TestData.testModel("tiny-rgb"), Map.of("layer", "conv1")));
		final ImagePlus stack = r.main();
		assertEquals(12, stack.getStackSize()); // 4 out x 3 in
		assertEquals("conv1 out 3 in 0", stack.getStack().getSliceLabel(3 * 3 + 0 + 1));
		final Filters f = Filters.of(TestData.network(TestData.testModel("tiny-rgb")), "conv1");
		assertEquals(f.kernel(3, 0)[4], stack.getStack().getProcessor(10).getf(1, 1), 0.0);
		assertEquals(4, r.table().size());
		assertEquals(f.l2(2), r.table().getValue("l2_norm", 2), 1e-12);
		assertEquals(f.bias(1), r.table().getValue("bias", 1), 1e-12);
		assertEquals(ImagePlus.COLOR_RGB, r.images().get("montage").getType());
		// conv2 is not the first convolution: no montage
		assertNull(results(runCommand("filters", null, TestData.testModel("tiny-rgb"), Map.of("layer", "conv2"))).images().get("montage"));
		assertEquals("the stage 'relu1' is not a convolution (its kind is relu): filters shows the weights of a convolutional stage; " +
			"choose one of [conv1, conv2]", failure(runCommand("filters", null, TestData.testModel("tiny-rgb"), Map.of("layer", "relu1"))));
	}

	@Test
	void receptiveFieldIsARoiOnACopyAndATableRow() {
		final ImagePlus image = TestData.openSample("cells-shortcut", "interphase_005");
		final AnalysisResults r = results(runCommand("receptive-field", image, TestData.model("cells-gap"),
			Map.of("layer", "conv2", "x", "11", "y", "14")));
		final Roi roi = r.main().getRoi();
		assertEquals(new Rectangle(19, 25, 8, 8), roi.getBounds());
		assertNull(image.getRoi(), "the source image is left as it was");
		final ResultsTable t = r.table();
		assertEquals(19, (int) t.getValue("x0", 0));
		assertEquals(32, (int) t.getValue("y1", 0));
		assertEquals(8, (int) t.getValue("width", 0));
		assertEquals("analytic", t.getStringValue("found_by", 0));
		assertEquals("y must be 0 .. 31 on the grid of stage 'conv2' (32 positions), not 40",
			failure(runCommand("receptive-field", image, TestData.model("cells-gap"), Map.of("layer", "conv2", "x", "1", "y", "40"))));
	}

	@Test
	void deconvnetUnitMapAndRow() {
		final ImagePlus image = TestData.openSample("cells-shortcut", "foci_002");
		final AnalysisResults r = results(runCommand("deconvnet-unit", image, TestData.model("cells-gap"),
			Map.of("layer", "relu2", "channel", "7", "x", "11", "y", "14")));
		final UnitDeconvnet d = UnitDeconvnet.of(TestData.network(TestData.model("cells-gap")), ImagePlusAdapter.currentPlanes(image), "relu2", 7, 11, 14);
		assertEquals(64, r.main().getWidth());
		assertEquals(d.map()[28 * 64 + 22], r.main().getProcessor().getf(22, 28), 0.0);
		assertEquals(d.activation(), r.table().getValue("activation", 0), 1e-6);
		assertTrue(d.activation() > 0);
		assertEquals("the model has no stage 'relu9'; its stages are [conv1, relu1, pool1, conv2, relu2, pool2, conv3, relu3, gap, flatten, fc]",
			failure(runCommand("deconvnet-unit", image, TestData.model("cells-gap"), Map.of("layer", "relu9"))));
	}
}
