package io.github.explainij.command;

import static io.github.explainij.TestData.assertRelativeClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import ij.ImagePlus;
import ij.ImageStack;
import ij.measure.ResultsTable;
import ij.process.FloatProcessor;

import io.github.explainij.TestData;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.scijava.command.CommandModule;
import org.scijava.module.Module;

/**
 * "Which stain drove this decision", hand-computed on a 2-channel linear model (linear-2ch: logits =
 * W x + b, channel_names DNA and marker, W[k, c, i] = ((5 i + 3 c + 7 k) mod 11 - 5) / 10 * (1 + 3 c)):
 * per-channel saliency slices are named after the channels and the table sums W per channel; channel
 * ablation's drop of channel c is W_c . (x_c - mean(x_c)).
 */
class ChannelCommandsTest extends CommandTestContext {

	private static final int K = 1;

	private static float w(final int k, final int c, final int i) {
		return ((5 * i + 3 * c + 7 * k) % 11 - 5) / 10f * (1 + 3 * c);
	}

	private static float x(final int c, final int i) {
		return (float) (Math.cos(i * 0.7 + c) * 10 + 20 + c * 5);
	}

	private static ImagePlus image() {
		final ImageStack stack = new ImageStack(8, 8);
		for (int c = 0; c < 2; c++) {
			final float[] p = new float[64];
			for (int i = 0; i < 64; i++) p[i] = x(c, i);
			stack.addSlice(c == 0 ? "Hoechst" : "GFP", new FloatProcessor(8, 8, p));
		}
		final ImagePlus imp = new ImagePlus("two stains", stack);
		imp.setDimensions(2, 1, 1);
		return imp;
	}

	private static ResultsTable table(final Module m) {
		return ((AttributionCommand) ((CommandModule) m).getCommand()).resultsTable();
	}

	@Test
	void perChannelSaliencyHasNamedSlicesAndAChannelTable() {
		final Module m = runCommand("saliency", image(), TestData.testModel("linear-2ch"),
			Map.of("per_channel", "true", "absolute", "false", "target", "positive", "show_overlay", "false"));
		assertNull(ExplainCommands.cancelReason(m));
		final ImagePlus a = (ImagePlus) m.getOutput("attribution");
		assertEquals("DNA", a.getStack().getSliceLabel(1));
		assertEquals("marker", a.getStack().getSliceLabel(2));
		final ResultsTable t = table(m);
		assertEquals(2, t.size());
		double abs0 = 0, abs1 = 0, sum1 = 0;
		for (int i = 0; i < 64; i++) {
			abs0 += Math.abs(w(K, 0, i));
			abs1 += Math.abs(w(K, 1, i));
			sum1 += w(K, 1, i);
		}
		assertEquals("marker", t.getStringValue("name", 1));
		assertEquals(sum1, t.getValue("sum", 1), 1e-5);
		assertEquals(sum1 / 64, t.getValue("mean", 1), 1e-6);
		assertEquals(abs1, t.getValue("sum_abs", 1), 1e-5);
		assertEquals(abs1 / (abs0 + abs1), t.getValue("share_abs", 1), 1e-6);
		assertEquals(abs0 / (abs0 + abs1), t.getValue("share_abs", 0), 1e-6);
	}

	@Test
	void channelAblationDropsAreTheWeightsTimesTheDeviationFromTheMean() {
		final Module m = runCommand("channel-ablation", image(), TestData.testModel("linear-2ch"),
			Map.of("target", "1", "show_overlay", "false"));
		assertNull(ExplainCommands.cancelReason(m));
		final float[] expected = new float[2];
		for (int c = 0; c < 2; c++) {
			double mean = 0;
			for (int i = 0; i < 64; i++) mean += x(c, i) / 64.0;
			double drop = 0;
			for (int i = 0; i < 64; i++) drop += w(K, c, i) * (x(c, i) - mean);
			expected[c] = (float) drop;
		}
		final ResultsTable t = table(m);
		assertRelativeClose(expected, new float[] { (float) t.getValue("mean", 0), (float) t.getValue("mean", 1) }, 1e-4, "drops");
		final ImagePlus a = (ImagePlus) m.getOutput("attribution");
		assertEquals("marker", a.getStack().getSliceLabel(2));
		assertEquals(expected[1], Float.parseFloat(a.getProp("drop_channel_2")), 1e-4 * Math.abs(expected[1]));
	}

	@Test
	void sidecarNamesWinOverImageLabelsAndSingleMapsGetNoTable() {
		final Module m = runCommand("gradient-x-input", image(), TestData.testModel("linear-2ch"),
			Map.of("per_channel", "true", "show_overlay", "false"));
		assertEquals("DNA", table(m).getStringValue("name", 0)); // not ImageJ's label "Hoechst"
		final Module single = runCommand("gradient-x-input", image(), TestData.testModel("linear-2ch"), Map.of("show_overlay", "false"));
		assertNull(table(single), "no per-channel map, no channel table");
	}

	@Test
	void withoutSidecarNamesAnRgbImagesChannelsAreRedGreenBlue() {
		final ImagePlus rgb = new ImagePlus("rgb", new ij.process.ColorProcessor(16, 16));
		rgb.getProcessor().setColor(new java.awt.Color(200, 40, 90));
		rgb.getProcessor().fillOval(3, 3, 9, 8);
		final Module m = runCommand("saliency", rgb, TestData.testModel("tiny-rgb"), Map.of("per_channel", "true", "show_overlay", "false"));
		assertNull(ExplainCommands.cancelReason(m));
		final ResultsTable t = table(m);
		assertEquals("red", t.getStringValue("name", 0));
		assertEquals("blue", t.getStringValue("name", 2));
		assertEquals(1, t.getValue("share_abs", 0) + t.getValue("share_abs", 1) + t.getValue("share_abs", 2), 1e-9);
	}
}
