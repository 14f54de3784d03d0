package io.github.explainij.command;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.IJ;
import ij.ImagePlus;

import io.github.explainij.TestData;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.scijava.command.CommandModule;
import org.scijava.module.Module;

/** activation-max and deep-dream as commands: objectives rise, seeds reproduce, priors act, outputs are raw, bad input is one line. */
class VisualizeCommandsTest extends CommandTestContext {

	private static final Path GAP = TestData.model("cells-gap");
	/** cells-gap's mean/std normalization (models/cells-gap.json). */
	private static final double MEAN = 279.96, STD = 390.47;

	private static ImagePlus crop() {
		return IJ.openImage(TestData.repo().resolve("src/test/resources/fixtures/inspect/optim/start.tif").toString());
	}

	private static AnalysisResults run(final String name, final ImagePlus image, final Path model, final String... keyValues) {
		final Map<String, String> params = new HashMap<>();
		for (int i = 0; i < keyValues.length; i += 2) params.put(keyValues[i], keyValues[i + 1]);
		final Module m = runCommand(name, image, model, params);
		assertNull(ExplainCommands.cancelReason(m), ExplainCommands.cancelReason(m));
		return ((AnalysisCommand) ((CommandModule) m).getCommand()).results();
	}

	private static String refusal(final String name, final ImagePlus image, final Path model, final String... keyValues) {
		final Map<String, String> params = new HashMap<>();
		for (int i = 0; i < keyValues.length; i += 2) params.put(keyValues[i], keyValues[i + 1]);
		final Module m = runCommand(name, image, model, params);
		final String why = ExplainCommands.cancelReason(m);
		assertNotNull(why, "expected a refusal");
		assertFalse(why.contains("Exception") || why.contains("\n"), why);
		return why;
	}

	private static double prop(final AnalysisResults r, final String key) {
		return Double.parseDouble(r.properties().get(key));
	}

	private static float[] pixels(final ImagePlus imp) {
		return (float[]) imp.getStack().getProcessor(imp.getStackSize()).getPixels();
	}

	private static double totalVariation(final float[] v, final int w, final int h) {
		double tv = 0;
		for (int y = 0; y < h; y++) {
			for (int x = 0; x < w; x++) {
				if (y + 1 < h) tv += Math.abs(v[(y + 1) * w + x] - v[y * w + x]);
				if (x + 1 < w) tv += Math.abs(v[y * w + x + 1] - v[y * w + x]);
			}
		}
		return tv;
	}

	@Test
	void classScoreRisesByALargeFactor() {
		final AnalysisResults r = run("activation-max", crop(), GAP, "objective", "class", "target", "apoptotic", "steps", "30",
			"step_size", "1", "init", "noise", "seed", "1", "record_every", "10", "width", "64", "height", "64");
		final double start = prop(r, "objective_start"), end = prop(r, "objective_end");
		assertTrue(end > 10 * Math.abs(start) && end > start + 50, "apoptotic logit " + start + " -> " + end);
		final ImagePlus image = r.main();
		assertEquals(ImagePlus.GRAY32, image.getType());
		assertEquals(64, image.getWidth());
		assertEquals(1, image.getStackSize());
		// the trajectory: steps 0, 10, 20, 30; the first frame is the noise in raw units around the sidecar's mean
		final ImagePlus trajectory = r.images().get("trajectory");
		assertEquals(4, trajectory.getStackSize());
		assertEquals("step 20", trajectory.getStack().getSliceLabel(3));
		final float[] first = (float[]) trajectory.getStack().getProcessor(1).getPixels();
		double mean = 0, var = 0;
		for (final float v : first) mean += v / first.length;
		for (final float v : first) var += (v - mean) * (v - mean) / first.length;
		assertEquals(MEAN, mean, 0.05 * STD);
		assertEquals(0.5 * STD, Math.sqrt(var), 0.05 * STD);
		assertArrayEquals(pixels(image), pixels(trajectory), 0);
		assertNotNull(r.plots().get("objective"));
		assertTrue(r.main().getProp("objective").contains("apoptotic"));
	}

	@Test
	void channelActivationRisesByALargeFactor() {
		final AnalysisResults r = run("activation-max", crop(), GAP, "objective", "channel", "layer", "relu3", "channel", "5", "steps", "30",
			"step_size", "5", "init", "noise", "seed", "1");
		final double start = prop(r, "objective_start"), end = prop(r, "objective_end");
		assertTrue(start > 0 && end > 5 * start, "relu3 channel 5: " + start + " -> " + end);
		assertEquals(64, r.main().getWidth(), "init = noise on a model that takes any size: 64 x 64");
	}

	@Test
	void sameSeedSameImageOtherSeedOtherImage() {
		final String[] p = { "objective", "channel", "layer", "relu2", "channel", "3", "steps", "3", "step_size", "2", "jitter", "2",
			"parameterization", "fft", "init", "noise" };
		final float[] a = pixels(run("activation-max", crop(), GAP, with(p, "seed", "7")).main());
		final float[] b = pixels(run("activation-max", crop(), GAP, with(p, "seed", "7")).main());
		final float[] c = pixels(run("activation-max", crop(), GAP, with(p, "seed", "8")).main());
		assertArrayEquals(a, b, 0);
		double differ = 0;
		for (int i = 0; i < a.length; i++) differ = Math.max(differ, Math.abs(a[i] - c[i]));
		assertTrue(differ > 0.1 * STD, "seeds 7 and 8 differ by " + differ);
	}

	private static String[] with(final String[] p, final String... more) {
		final String[] out = java.util.Arrays.copyOf(p, p.length + more.length);
		System.arraycopy(more, 0, out, p.length, more.length);
		return out;
	}

	@Test
	void priorsMakeTheImageSmootherOrSmaller() {
		final String[] p = { "objective", "channel", "layer", "relu3", "channel", "5", "steps", "10", "step_size", "5", "init", "image" };
		final float[] plain = pixels(run("activation-max", crop(), GAP, p).main());
		final float[] tv = pixels(run("activation-max", crop(), GAP, with(p, "tv_weight", "0.005")).main());
		final float[] blur = pixels(run("activation-max", crop(), GAP, with(p, "blur_every", "2", "blur_sigma", "1")).main());
		final float[] l2 = pixels(run("activation-max", crop(), GAP, with(p, "l2_decay", "0.05")).main());
		assertTrue(totalVariation(tv, 32, 32) < 0.9 * totalVariation(plain, 32, 32), "total variation");
		assertTrue(totalVariation(blur, 32, 32) < 0.9 * totalVariation(plain, 32, 32), "blur");
		double n0 = 0, n1 = 0;
		for (int i = 0; i < plain.length; i++) {
			n0 += Math.pow((plain[i] - MEAN) / STD, 2);
			n1 += Math.pow((l2[i] - MEAN) / STD, 2);
		}
		assertTrue(n1 < 0.9 * n0, "L2 decay: " + n0 + " -> " + n1);
	}

	@Test
	void fftFromTheImageStartsAtTheImage() {
		final ImagePlus source = crop();
		final AnalysisResults r = run("activation-max", source, GAP, "objective", "layer", "layer", "relu2", "steps", "1", "step_size",
			"1e-9", "init", "image", "parameterization", "fft", "decay_power", "1");
		final float[] out = pixels(r.main()), in = (float[]) source.getProcessor().getPixels();
		for (int i = 0; i < in.length; i++) assertEquals(in[i], out[i], 1e-4 * STD);
	}

	@Test
	void deepDreamRaisesTheLayerAndIsReproducible() {
		final ImagePlus source = crop();
		source.getCalibration().pixelWidth = 0.25;
		final String[] p = { "layer", "relu2", "octaves", "2", "steps", "3", "step_size", "0.05", "jitter", "2" };
		final AnalysisResults a = run("deep-dream", source, GAP, with(p, "seed", "4"));
		assertTrue(prop(a, "objective_end") > 1.5 * prop(a, "objective_start"), prop(a, "objective_start") + " -> " + prop(a, "objective_end"));
		assertEquals(32, a.main().getWidth());
		assertEquals(ImagePlus.GRAY32, a.main().getType());
		assertEquals(0.25, a.main().getCalibration().pixelWidth, 0);
		final float[] again = pixels(run("deep-dream", crop(), GAP, with(p, "seed", "4")).main());
		final float[] other = pixels(run("deep-dream", crop(), GAP, with(p, "seed", "5")).main());
		assertArrayEquals(pixels(a.main()), again, 0);
		assertFalse(java.util.Arrays.equals(again, other));
	}

	@Test
	void badInputIsOneLine() {
		assertTrue(refusal("activation-max", crop(), GAP, "steps", "0").contains("steps must be at least 1"));
		assertTrue(refusal("activation-max", crop(), GAP, "objective", "channel", "layer", "relu2", "channel", "99", "steps", "1")
			.contains("channel must be 0 .. 31"));
		assertTrue(refusal("activation-max", crop(), GAP, "objective", "neuron", "layer", "relu3", "x", "16", "steps", "1")
			.contains("x must be 0 .. 15"));
		final Map<String, String> colour = Map.of("objective", "colour");
		assertTrue(org.junit.jupiter.api.Assertions.assertThrows(io.github.explainij.ExplainException.class,
			() -> runCommand("activation-max", crop(), GAP, colour)).getMessage().contains("must be one of [class, channel, neuron, layer]"));
		assertTrue(refusal("activation-max", crop(), GAP, "target", "mitosis").contains("is not one of the model's classes"));
		final ImagePlus small = IJ.createImage("small", "32-bit black", 8, 8, 1);
		assertTrue(refusal("activation-max", small, TestData.testModel("plain-linear"), "objective", "channel", "layer", "x")
			.contains("needs a model that exposes its stages"));
		assertTrue(refusal("deep-dream", crop(), GAP, "layer", "relu2", "octave_scale", "1").contains("octave_scale must be larger than 1"));
		assertTrue(refusal("deep-dream", crop(), GAP, "layer", "relu2", "octaves", "9").contains("use fewer octaves (at most 4)"));
		assertTrue(refusal("deep-dream", crop(), GAP, "layer", "relu2", "steps", "-1").contains("steps must be at least 1"));
		assertTrue(refusal("deep-dream", crop(), GAP, "layer", "conv9").contains("has no stage 'conv9'"));
	}
}
