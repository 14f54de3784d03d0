package io.github.explainij.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import ij.gui.Roi;

import io.github.explainij.TestData;

import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandService;
import org.scijava.module.Module;

/**
 * Every attribution command explains a region of the shipped segmentation model's output: it runs,
 * records the region, reads the class score over the region (the same score for every method), and its
 * map is finite and not all zero. CAM alone refuses, because it needs a classifier's pooling head.
 */
class EveryMethodRegionTest extends CommandTestContext {

	static Stream<String> commands() {
		final org.scijava.Context c = new org.scijava.Context(CommandService.class);
		try {
			return ExplainCommands.all(c.service(CommandService.class)).stream().map(CommandInfo::getName).toList().stream();
		}
		finally {
			c.dispose();
		}
	}

	@ParameterizedTest
	@MethodSource("commands")
	void explainsTheRegionOfASegmentationOutput(final String command) {
		final ImagePlus image = TestData.openSample("cells", "mitotic_005");
		image.setRoi(new Roi(20, 16, 24, 28));
		final Module m = runCommand(command, image, TestData.model("cells-unet"), Map.of("region", "selection", "target", "mitotic",
			"show_overlay", "false", "samples", "8", "masks", "64", "steps", "8").entrySet().stream()
			.filter(e -> ExplainCommands.userInputs(ExplainCommands.byName(context.service(CommandService.class), command)).stream()
				.anyMatch(i -> i.getName().equals(e.getKey())))
			.collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
		final String why = ExplainCommands.cancelReason(m);
		if (command.equals("cam")) {
			assertTrue(why != null && why.contains("Use Grad-CAM"), command + ": " + why);
			return;
		}
		if (command.equals("channel-ablation")) {
			assertTrue(why != null && why.contains("has one"), command + ": " + why);
			return;
		}
		assertNull(why, command);
		final ImagePlus a = (ImagePlus) m.getOutput("attribution");
		assertEquals("2", a.getProp("target_class"), command);
		assertTrue(a.getProp("region").startsWith("selection"), command + ": " + a.getProp("region"));
		boolean nonZero = false;
		for (int s = 1; s <= a.getStackSize(); s++) {
			for (final float v : (float[]) a.getStack().getProcessor(s).getPixels()) {
				assertTrue(Float.isFinite(v), command + ": non-finite value");
				nonZero |= v != 0;
			}
		}
		assertTrue(nonZero, command + ": all zero");
	}
}
