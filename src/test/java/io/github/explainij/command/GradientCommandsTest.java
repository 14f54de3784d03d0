package io.github.explainij.command;

import static io.github.explainij.TestData.assertRelativeClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import ij.process.ColorProcessor;

import io.github.explainij.TestData;
import io.github.explainij.cli.CommandRunner;
import io.github.explainij.cli.Main;
import io.github.explainij.image.ImagePlusAdapter;
import io.github.explainij.method.ExplainRequest;
import io.github.explainij.method.gradient.IntegratedGradients;
import io.github.explainij.method.gradient.Integration;
import io.github.explainij.target.ScoreKind;
import io.github.explainij.target.TargetSpec;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.scijava.command.CommandService;
import org.scijava.module.Module;

/**
 * The gradient family's commands as Fiji runs them (SciJava CommandService): menu paths, output
 * geometry, the parameters and results recorded in the Info, refusal of bad parameters; and the
 * command line's {@code list}.
 */
class GradientCommandsTest extends CommandTestContext {

	private static Module run(final String command, final ImagePlus image, final String model, final Map<String, String> params) {
		final var info = ExplainCommands.byName(context.service(CommandService.class), command);
		assertNotNull(info, command);
		return new CommandRunner(context).run(info, image, TestData.model(model).toFile(), params);
	}

	private static ImagePlus output(final Module m) {
		assertNull(ExplainCommands.cancelReason(m));
		final ImagePlus out = (ImagePlus) m.getOutput("attribution");
		assertEquals(ImagePlus.GRAY32, out.getType());
		return out;
	}

	@Test
	void menuPaths() {
		final CommandService commands = context.service(CommandService.class);
		assertEquals("Plugins > Explain-IJ > Attribution > Gradient x Input",
			ExplainCommands.byName(commands, "gradient-x-input").getMenuPath().getMenuString());
		assertEquals("Plugins > Explain-IJ > Attribution > SmoothGrad", ExplainCommands.byName(commands, "smoothgrad").getMenuPath().getMenuString());
		assertEquals("Plugins > Explain-IJ > Attribution > Integrated Gradients",
			ExplainCommands.byName(commands, "integrated-gradients").getMenuPath().getMenuString());
		assertEquals("Plugins > Explain-IJ > Attribution > Interior Gradients",
			ExplainCommands.byName(commands, "interior-gradients").getMenuPath().getMenuString());
	}

	@Test
	void gradientXInputKeepsOneSlicePerChannelOnRequest() {
		final ColorProcessor cp = new ColorProcessor(20, 24);
		for (int i = 0; i < 20 * 24; i++) cp.set(i, (i * 37 % 256) << 16 | (i * 11 % 256) << 8 | i * 5 % 256);
		final ImagePlus image = new ImagePlus("rgb", cp);
		final var info = ExplainCommands.byName(context.service(CommandService.class), "gradient-x-input");
		final ImagePlus out = output(new CommandRunner(context).run(info, image, TestData.testModel("tiny-rgb").toFile(),
			Map.of("per_channel", "true")));
		assertEquals(3, out.getStackSize());
		assertEquals(20, out.getWidth());
		assertTrue(out.getTitle().startsWith("Gradient x Input of rgb ("), out.getTitle());
		assertEquals("true", out.getProp("per_channel"));
		assertEquals(1, image.getOverlay().size());
	}

	@Test
	void smoothGradRecordsItsNoiseAndSeed() {
		final ImagePlus image = TestData.openSample("cells", "foci_000");
		final ImagePlus out = output(run("smoothgrad", image, "cells-gap",
			Map.of("samples", "6", "variant", "vargrad", "seed", "9", "batch_size", "4", "target", "foci")));
		assertEquals(64, out.getWidth());
		assertEquals(1, out.getStackSize());
		assertEquals("SmoothGrad of foci_000.tif (foci)", out.getTitle());
		assertEquals("vargrad", out.getProp("variant"));
		assertEquals("9", out.getProp("seed"));
		assertEquals("6", out.getProp("samples"));
		assertEquals("0.15", out.getProp("noise"));
		assertEquals("false", out.getProp("absolute"));
		assertEquals("saliency", out.getProp("base"));
		assertTrue(Double.parseDouble(out.getProp("noise_std")) > 0);
		assertTrue(((String) out.getProperty("Info")).contains("noise_std: "));
		// bad parameter: a message, no output
		final Module bad = run("smoothgrad", TestData.openSample("cells", "foci_000"), "cells-gap", Map.of("samples", "0"));
		assertTrue(ExplainCommands.cancelReason(bad).contains("samples must be between 1"), ExplainCommands.cancelReason(bad));
		assertNull(bad.getOutput("attribution"));
	}

	@Test
	void integratedGradientsPutsTheCompletenessGapInTheInfo() {
		final ImagePlus image = TestData.openSample("cells", "apoptotic_001");
		final ImagePlus bigger = image.resize(80, 72, "bilinear");
		final ImagePlus out = output(run("integrated-gradients", bigger, "cells-bn",
			Map.of("steps", "12", "baseline", "mean", "integration", "riemann_middle", "show_overlay", "false")));
		assertEquals(80, out.getWidth());
		assertEquals(72, out.getHeight());
		final String info = (String) out.getProperty("Info");
		for (final String key : new String[] { "steps: 12", "integration: riemann_middle", "baseline: mean", "sum_of_attributions: ",
			"score_difference: ", "completeness_gap: ", "baseline_score: " }) {
			assertTrue(info.contains(key), key + " in\n" + info);
		}
		final double gap = Double.parseDouble(out.getProp("completeness_gap"));
		assertEquals(Double.parseDouble(out.getProp("sum_of_attributions")) - Double.parseDouble(out.getProp("score_difference")), gap,
			1e-4 * Math.abs(Double.parseDouble(out.getProp("score_difference"))) + 1e-5);
		final ExplainRequest r = new ExplainRequest(TestData.network(TestData.model("cells-bn")), ImagePlusAdapter.currentPlanes(bigger),
			TargetSpec.predicted(), ScoreKind.LOGIT);
		assertRelativeClose(ImagePlusAdapter.toChw(new IntegratedGradients(12, Integration.RIEMANN_MIDDLE, "mean", 1, 0, false).explain(r).map()),
			(float[]) out.getProcessor().getPixels(), 1e-6, "command output");
		final Module bad = run("integrated-gradients", image, "cells-bn", Map.of("steps", "1", "integration", "riemann_trapezoid"));
		assertTrue(ExplainCommands.cancelReason(bad).contains("steps must be between 2"), ExplainCommands.cancelReason(bad));
	}

	@Test
	void interiorGradientsGiveOneNamedSlicePerAlpha() {
		final ImagePlus out = output(run("interior-gradients", TestData.openSample("cells", "mitotic_001"), "cells-gap",
			Map.of("alphas", "0.25,0.5,...,1")));
		assertEquals(4, out.getStackSize());
		assertEquals(64, out.getWidth());
		assertEquals("alpha 0.25", out.getStack().getSliceLabel(1));
		assertEquals("alpha 1", out.getStack().getSliceLabel(4));
		assertEquals("0.25,0.5,...,1", out.getProp("alphas"));
		assertEquals(4, out.getProp("scores_along_alphas").split(",").length);
		final Module bad = run("interior-gradients", TestData.openSample("cells", "mitotic_001"), "cells-gap", Map.of("alphas", "0.5,2"));
		assertTrue(ExplainCommands.cancelReason(bad).contains("2 is outside [0, 1]"), ExplainCommands.cancelReason(bad));
	}

	@Test
	void commandLineListsTheGradientMethods() {
		final ByteArrayOutputStream out = new ByteArrayOutputStream();
		assertEquals(0, Main.run(new String[] { "list" }, new PrintStream(out, true, StandardCharsets.UTF_8),
			new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)));
		final String s = out.toString(StandardCharsets.UTF_8);
		assertTrue(s.contains("gradient-x-input  (Plugins > Explain-IJ > Attribution > Gradient x Input)"), s);
		assertTrue(s.contains("smoothgrad  (Plugins > Explain-IJ > Attribution > SmoothGrad)"), s);
		assertTrue(s.contains("integrated-gradients  (Plugins > Explain-IJ > Attribution > Integrated Gradients)"), s);
		assertTrue(s.contains("interior-gradients  (Plugins > Explain-IJ > Attribution > Interior Gradients)"), s);
		assertTrue(s.contains("--param variant=smoothgrad|smoothgrad_sq|vargrad  (default: smoothgrad)"), s);
		assertTrue(s.contains("--param integration=gausslegendre|riemann_left|riemann_right|riemann_middle|riemann_trapezoid  (default: gausslegendre)"), s);
		assertTrue(s.contains("--param alphas=text  (default: 0.02,0.04,...,1.0)"), s);
	}
}
