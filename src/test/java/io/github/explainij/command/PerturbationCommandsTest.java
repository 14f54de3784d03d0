package io.github.explainij.command;

import static io.github.explainij.TestData.assertRelativeClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import ij.gui.Overlay;
import ij.process.FloatProcessor;

import io.github.explainij.ExplainException;
import io.github.explainij.TestData;
import io.github.explainij.cli.CommandRunner;
import io.github.explainij.image.ImagePlusAdapter;
import io.github.explainij.method.ExplainRequest;
import io.github.explainij.method.perturbation.Fill;
import io.github.explainij.method.perturbation.OcclusionSensitivity;
import io.github.explainij.method.perturbation.Rise;
import io.github.explainij.target.ScoreKind;
import io.github.explainij.target.TargetSpec;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.scijava.command.CommandService;
import org.scijava.module.Module;

/** Occlusion, RISE and LIME as Fiji runs them: outputs, geometry, Info, units, extra outputs. */
class PerturbationCommandsTest extends CommandTestContext {

	private static Module run(final String name, final ImagePlus image, final Map<String, String> params) {
		return new CommandRunner(context).run(ExplainCommands.byName(context.service(CommandService.class), name), image,
			TestData.model("cells-gap").toFile(), params);
	}

	private static ImagePlus calibratedSample() {
		final ImagePlus image = TestData.openSample("cells", "foci_000");
		image.getCalibration().pixelWidth = 0.5;
		image.getCalibration().pixelHeight = 0.5;
		image.getCalibration().setUnit("um");
		return image;
	}

	@Test
	void occlusionInCalibratedUnits() {
		final ImagePlus image = calibratedSample();
		// 8 um window and 4 um stride at 0.5 um/pixel = 16 px and 8 px
		final Module m = run("occlusion", image, Map.of("window", "8", "stride", "4", "units", "calibrated", "score", "probability",
			"fill", "mean"));
		assertNull(ExplainCommands.cancelReason(m));
		final ImagePlus out = (ImagePlus) m.getOutput("attribution");
		assertEquals(64, out.getWidth());
		assertEquals(0.5, out.getCalibration().pixelWidth, 0);
		assertEquals("Occlusion Sensitivity of foci_000.tif (foci)", out.getTitle());
		assertEquals("16", out.getProp("window"));
		assertEquals("8", out.getProp("stride"));
		assertEquals("calibrated", out.getProp("units"));
		assertEquals("50", out.getProp("forward_passes"));
		assertEquals("7x7", out.getProp("window_positions"));
		final ExplainRequest r = new ExplainRequest(TestData.network(TestData.model("cells-gap")), ImagePlusAdapter.currentPlanes(image),
			TargetSpec.predicted(), ScoreKind.PROBABILITY);
		final OcclusionSensitivity.Result direct = new OcclusionSensitivity(16, 8, Fill.parse("mean", 0, false), 0).explainWithWindows(r);
		assertRelativeClose(ImagePlusAdapter.toChw(direct.attribution().map()), (float[]) out.getProcessor().getPixels(), 1e-6, "command map");
		// the window map: one pixel per position, each a stride wide
		final ImagePlus windows = (ImagePlus) m.getOutput("window_map");
		assertEquals(7, windows.getWidth());
		assertEquals(7, windows.getHeight());
		assertEquals(0.5 * 8, windows.getCalibration().pixelWidth, 1e-12);
		assertEquals(image.getCalibration().getUnit(), windows.getCalibration().getUnit());
		assertRelativeClose(direct.windowMap(), (float[]) windows.getProcessor().getPixels(), 1e-6, "window map");
		final Overlay overlay = image.getOverlay();
		assertEquals("Occlusion Sensitivity", overlay.get(0).getName());
	}

	@Test
	void unitConversion() {
		final ImagePlus image = calibratedSample();
		assertEquals(16, PixelUnits.toPixels(16, "pixels", image, "window"));
		assertEquals(16, PixelUnits.toPixels(8, "calibrated", image, "window"));
		assertEquals(3, PixelUnits.toPixels(1.3, "calibrated", image, "cell"));
		final ImagePlus plain = TestData.openSample("cells", "foci_000");
		assertTrue(assertThrows(ExplainException.class, () -> PixelUnits.toPixels(8, "calibrated", plain, "window")).getMessage()
			.contains("no spatial calibration"));
		assertTrue(assertThrows(ExplainException.class, () -> PixelUnits.toPixels(0.1, "calibrated", image, "cell")).getMessage()
			.contains("less than one pixel"));
		// through the command: a bad combination is a clear message
		final String why = ExplainCommands.cancelReason(run("occlusion", plain, Map.of("units", "calibrated")));
		assertNotNull(why);
		assertTrue(why.contains("no spatial calibration"), why);
	}

	@Test
	void riseCommand() {
		final ImagePlus image = calibratedSample();
		final Module m = run("rise", image, Map.of("masks", "24", "cell", "5", "units", "calibrated", "seed", "4", "batch_size", "7",
			"show_overlay", "false"));
		assertNull(ExplainCommands.cancelReason(m));
		final ImagePlus out = (ImagePlus) m.getOutput("attribution");
		assertEquals(64, out.getWidth());
		assertEquals(64, out.getHeight());
		assertEquals("RISE of foci_000.tif (foci)", out.getTitle());
		assertEquals("10", out.getProp("cell"));
		assertEquals("24", out.getProp("masks"));
		assertEquals("25", out.getProp("forward_passes"));
		assertEquals("8x8", out.getProp("grid"));
		assertNull(image.getOverlay());
		final ExplainRequest r = new ExplainRequest(TestData.network(TestData.model("cells-gap")), ImagePlusAdapter.currentPlanes(image),
			TargetSpec.predicted(), ScoreKind.LOGIT);
		assertRelativeClose(ImagePlusAdapter.toChw(new Rise(24, 10, 0.5, 4, Fill.parse("zero", 0, false), 0).explain(r).map()),
			(float[]) out.getProcessor().getPixels(), 1e-5, "command map");
	}

	@Test
	void limeCommand() {
		final ImagePlus image = TestData.openSample("cells", "mitotic_002");
		final Module m = run("lime", image, Map.of("samples", "80", "segments", "20", "features", "3", "target", "mitotic"));
		assertNull(ExplainCommands.cancelReason(m));
		final ImagePlus out = (ImagePlus) m.getOutput("attribution");
		assertEquals(64, out.getWidth());
		assertEquals("LIME of mitotic_002.tif (mitotic)", out.getTitle());
		assertEquals("81", out.getProp("forward_passes"));
		assertEquals("segment_mean", out.getProp("fill"));
		final String top = out.getProp("top_superpixels");
		assertNotNull(top);
		final String[] entries = top.split(",");
		assertTrue(entries.length <= 3 && entries.length >= 1, top);
		// the label image and the map agree: one weight per superpixel
		final ImagePlus labels = (ImagePlus) m.getOutput("superpixels");
		final float[] l = (float[]) labels.getProcessor().getPixels(), map = (float[]) out.getProcessor().getPixels();
		final int count = Integer.parseInt(out.getProp("superpixels"));
		final float[] weightOf = new float[count];
		java.util.Arrays.fill(weightOf, Float.NaN);
		for (int i = 0; i < l.length; i++) {
			final int s = (int) l[i];
			if (Float.isNaN(weightOf[s])) weightOf[s] = map[i];
			assertEquals(weightOf[s], map[i], 0f);
		}
		// headless: the top superpixels are an overlay on the attribution image, named with their label
		final Overlay rois = out.getOverlay();
		assertNotNull(rois);
		assertEquals(entries.length, rois.size());
		final int first = Integer.parseInt(entries[0].split(":")[0]);
		assertTrue(rois.get(0).getName().startsWith("LIME #1 superpixel " + first + " "), rois.get(0).getName());
		assertEquals(count(l, first), rois.get(0).getStatistics().pixelCount);
		assertTrue(weightOf[first] > 0);
	}

	private static int count(final float[] labels, final int label) {
		int n = 0;
		for (final float v : labels) if ((int) v == label) n++;
		return n;
	}

	@Test
	void badParametersAreMessages() {
		final ImagePlus image = TestData.openSample("cells", "mitotic_002");
		final String stride = ExplainCommands.cancelReason(run("occlusion", image, Map.of("window", "4", "stride", "8")));
		assertTrue(stride.contains("must not exceed the window"), stride);
		assertNull(image.getOverlay());
		final String p = ExplainCommands.cancelReason(run("rise", image, Map.of("p", "0")));
		assertTrue(p.contains("must be in (0, 1]"), p);
		final String samples = ExplainCommands.cancelReason(run("lime", image, Map.of("samples", "1")));
		assertTrue(samples.contains("samples must be at least 2"), samples);
		final ImagePlus tiny = new ImagePlus("tiny", new FloatProcessor(8, 8));
		final String big = ExplainCommands.cancelReason(run("occlusion", tiny, Map.of()));
		assertTrue(big.contains("larger than the image"), big);
	}
}
