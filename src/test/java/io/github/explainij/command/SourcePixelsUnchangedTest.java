package io.github.explainij.command;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.gui.Roi;

import io.github.explainij.TestData;
import io.github.explainij.cli.CommandRunner;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.scijava.Context;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandService;
import org.scijava.module.Module;

/**
 * In Fiji and ImageJ the source image's pixels are never changed: every command (run as Fiji runs it,
 * through SciJava's CommandService) leaves every byte of every plane as it was, whether it succeeds, is
 * refused, or works on a selection; the image's file on disk is untouched too.
 */
class SourcePixelsUnchangedTest {

	private static Context context;

	@BeforeAll
	static void start() {
		context = new Context();
	}

	@AfterAll
	static void stop() {
		context.dispose();
	}

	/** Few model passes for the sampling methods: the pixels are the point here, not the maps. */
	private static final Map<String, String> FEW_PASSES = Map.of("steps", "4", "samples", "6", "masks", "24", "alphas", "0.5,1.0",
		"stride", "16", "window", "16");

	/** Every byte of every plane, in order. */
	private static byte[] pixelBytes(final ImagePlus imp) {
		final ImageStack stack = imp.getStack();
		final ByteBuffer b = ByteBuffer.allocate(stack.getSize() * stack.getWidth() * stack.getHeight() * 4);
		for (int s = 1; s <= stack.getSize(); s++) {
			final Object p = stack.getPixels(s);
			if (p instanceof byte[]) b.put((byte[]) p);
			else if (p instanceof short[]) for (final short v : (short[]) p) b.putShort(v);
			else if (p instanceof float[]) for (final float v : (float[]) p) b.putFloat(v);
			else for (final int v : (int[]) p) b.putInt(v);
		}
		return java.util.Arrays.copyOf(b.array(), b.position());
	}

	/** Runs every command on the image with these inputs; returns how many finished with a result. */
	private static int runAll(final ImagePlus image, final Path model, final Map<String, String> params) {
		final byte[] before = pixelBytes(image);
		final Roi roi = image.getRoi();
		int finished = 0;
		final List<String> refused = new ArrayList<>();
		for (final CommandInfo info : ExplainCommands.all(context.service(CommandService.class))) {
			// each command gets the parameters it has
			final Map<String, String> own = new java.util.LinkedHashMap<>(FEW_PASSES);
			own.putAll(params);
			own.keySet().removeIf(k -> info.getInput(k) == null);
			final Module module = new CommandRunner(context).run(info, image, model.toFile(), own);
			if (ExplainCommands.cancelReason(module) == null) finished++;
			else refused.add(info.getName());
			assertArrayEquals(before, pixelBytes(image), info.getName() + " changed the source image's pixels");
			assertEquals(roi == null ? null : roi.getBounds(), image.getRoi() == null ? null : image.getRoi().getBounds(),
				info.getName() + " changed the selection");
		}
		return finished;
	}

	@Test
	void noCommandChangesTheSourcePixels() throws Exception {
		final Path file = TestData.sample("cells", "mitotic_005");
		final byte[] fileBytes = Files.readAllBytes(file);
		final ImagePlus image = IJ.openImage(file.toString());
		final int commands = ExplainCommands.all(context.service(CommandService.class)).size();
		// every command succeeds on a classifier's image (channel ablation refuses one channel)
		assertEquals(commands - 1, runAll(image, TestData.model("cells-gap"), Map.of("show_overlay", "true")));
		assertNotNull(image.getOverlay(), "the overlay is added beside the pixels, not into them");
		// refused runs: a class that does not exist
		assertEquals(0, runAll(image, TestData.model("cells-gap"), Map.of("target", "99")));
		// objects of a selection (crops of the image)
		image.setRoi(new Roi(10, 12, 30, 28));
		assertTrue(runAll(image, TestData.model("cells-gap"), Map.of("region", "selection")) > 0);
		assertArrayEquals(fileBytes, Files.readAllBytes(file), "the image file");
	}

	@Test
	void twoChannelImagesAndSegmentationModelsToo() {
		final ImagePlus stains = IJ.openImage(TestData.sample("stains", "cytoplasmic_002").toString());
		assertEquals(2, stains.getNChannels());
		assertTrue(runAll(stains, TestData.model("cells-2ch"), Map.of("per_channel", "true")) > 0);
		// a segmentation model explaining the region of a selection
		final ImagePlus cell = IJ.openImage(TestData.sample("cells", "mitotic_005").toString());
		cell.setRoi(new Roi(20, 20, 16, 16));
		assertTrue(runAll(cell, TestData.model("cells-unet"), Map.of("region", "selection")) > 0);
		assertNull(AttributionCommand.resultRefusal(cell));
	}

	/**
	 * Every inside-the-network and evaluation command that works on the active image leaves its pixels,
	 * its selection and its file as they were (ascents that start from the image work on a copy).
	 */
	@Test
	void noAnalysisChangesTheSourcePixels() throws Exception {
		final Path file = TestData.sample("cells", "mitotic_005");
		final byte[] fileBytes = Files.readAllBytes(file);
		final ImagePlus image = IJ.openImage(file.toString());
		image.setRoi(new Roi(10, 12, 30, 28));
		final byte[] before = pixelBytes(image);
		final Map<String, String> few = Map.of("steps", "2", "repeats", "1", "octaves", "1", "init", "image", "top", "2", "k", "2",
			"input_dir", TestData.repo().resolve("sample-data/cells").toString(),
			"mask", TestData.repo().resolve("sample-data/cells/masks/mitotic_005.tif").toString());
		final List<String> ran = new ArrayList<>(), refused = new ArrayList<>();
		for (final CommandInfo info : ExplainCommands.analyses(context.service(CommandService.class))) {
			if (!ExplainCommands.takesImage(info)) continue;
			final Map<String, String> own = new java.util.LinkedHashMap<>(few);
			own.keySet().removeIf(k -> info.getInput(k) == null);
			final Module module = new CommandRunner(context).run(info, image, TestData.model("cells-gap").toFile(), own);
			(ExplainCommands.cancelReason(module) == null ? ran : refused).add(info.getName() +
				(ExplainCommands.cancelReason(module) == null ? "" : ": " + ExplainCommands.cancelReason(module)));
			assertArrayEquals(before, pixelBytes(image), info.getName() + " changed the source image's pixels");
			assertEquals(new java.awt.Rectangle(10, 12, 30, 28), image.getRoi().getBounds(), info.getName() + " changed the selection");
		}
		assertEquals(List.of(), refused);
		assertTrue(ran.size() >= 11, ran.toString());
		assertArrayEquals(fileBytes, Files.readAllBytes(file), "the image file");
	}
}
