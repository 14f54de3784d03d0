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
import io.github.explainij.method.relevance.DeepLift;
import io.github.explainij.method.relevance.Lrp;
import io.github.explainij.target.ScoreKind;
import io.github.explainij.target.TargetSpec;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandService;
import org.scijava.module.Module;

/**
 * The relevance commands as Fiji runs them (SciJava CommandService): menu path, output geometry, the
 * recorded parameters and results, and a refusal for a model without stages. Also the CLI's list.
 */
class RelevanceCommandsTest extends CommandTestContext {

	private static CommandInfo info(final String name) {
		final CommandInfo info = ExplainCommands.byName(context.service(CommandService.class), name);
		assertNotNull(info, name);
		return info;
	}

	private static ImagePlus attribution(final String name, final ImagePlus image, final Path model, final Map<String, String> params) {
		final Module m = new CommandRunner(context).run(info(name), image, model.toFile(), params);
		assertNull(ExplainCommands.cancelReason(m), name);
		return (ImagePlus) m.getOutput("attribution");
	}

	private static ImagePlus rgb() {
		final ColorProcessor cp = new ColorProcessor(20, 24);
		for (int i = 0; i < 20 * 24; i++) cp.set(i, (i * 37 % 256) << 16 | (i * 11 % 256) << 8 | i * 5 % 256);
		return new ImagePlus("rgb", cp);
	}

	@Test
	void guidedBackprop() {
		assertEquals("Plugins > Explain-IJ > Attribution > Guided Backpropagation", info("guided-backprop").getMenuPath().getMenuString());
		final ImagePlus image = TestData.openSample("cells", "foci_000");
		final ImagePlus out = attribution("guided-backprop", image, TestData.model("cells-gap"), Map.of("target", "foci"));
		assertEquals(ImagePlus.GRAY32, out.getType());
		assertEquals(64, out.getWidth());
		assertEquals(1, out.getStackSize());
		assertEquals("Guided Backpropagation of foci_000.tif (foci)", out.getTitle());
		assertEquals("false", out.getProp("per_channel"));
		assertEquals("Guided Backpropagation", image.getOverlay().get(0).getName());
	}

	@Test
	void deconvnetPerChannel() {
		assertEquals("Plugins > Explain-IJ > Attribution > Deconvnet", info("deconvnet").getMenuPath().getMenuString());
		final ImagePlus out = attribution("deconvnet", rgb(), TestData.testModel("tiny-rgb"), Map.of("per_channel", "true"));
		assertEquals(3, out.getStackSize());
		assertEquals(20, out.getWidth());
		assertEquals(24, out.getHeight());
		assertEquals("true", out.getProp("per_channel"));
	}

	@Test
	void lrpRecordsRuleAndRelevanceSum() {
		assertEquals("Plugins > Explain-IJ > Attribution > LRP", info("lrp").getMenuPath().getMenuString());
		final ImagePlus image = TestData.openSample("cells", "apoptotic_001");
		final ImagePlus bigger = image.resize(96, 80, "bilinear");
		final ImagePlus out = attribution("lrp", bigger, TestData.model("cells-bn"), Map.of("rule", "composite", "show_overlay", "false"));
		assertEquals(96, out.getWidth());
		assertEquals(80, out.getHeight());
		assertEquals("composite", out.getProp("rule"));
		assertEquals("1.0E-6", out.getProp("epsilon"));
		assertTrue(((String) out.getProperty("Info")).contains("relevance_sum: "));
		final ExplainRequest r = new ExplainRequest(TestData.network(TestData.model("cells-bn")), ImagePlusAdapter.currentPlanes(bigger),
			TargetSpec.predicted(), ScoreKind.LOGIT);
		assertRelativeClose(ImagePlusAdapter.toChw(new Lrp("composite", 1e-6, 2, 1, false).explain(r).map()),
			(float[]) out.getProcessor().getPixels(), 1e-6, "command output");
	}

	@Test
	void deepLiftRecordsTheSummationGap() {
		assertEquals("Plugins > Explain-IJ > Attribution > DeepLIFT", info("deeplift").getMenuPath().getMenuString());
		final ImagePlus image = TestData.openSample("cells", "mitotic_003");
		final ImagePlus out = attribution("deeplift", image, TestData.model("cells-gap"), Map.of("baseline", "blur", "target", "mitotic"));
		assertEquals(64, out.getWidth());
		assertEquals("blur", out.getProp("baseline"));
		final double difference = Double.parseDouble(out.getProp("score_difference"));
		assertEquals(difference, Double.parseDouble(out.getProp("sum_of_attributions")), 1e-3 * Math.abs(difference));
		final ExplainRequest r = new ExplainRequest(TestData.network(TestData.model("cells-gap")), ImagePlusAdapter.currentPlanes(image),
			TargetSpec.index(1), ScoreKind.LOGIT);
		assertRelativeClose(ImagePlusAdapter.toChw(new DeepLift("blur", false).explain(r).map()), (float[]) out.getProcessor().getPixels(),
			1e-6, "command output");
	}

	@Test
	void modelWithoutStagesIsRefusedWithAMessage() {
		final ImagePlus image = new ImagePlus("small", new ij.process.FloatProcessor(8, 8));
		final Module m = new CommandRunner(context).run(info("lrp"), image, TestData.testModel("plain-linear").toFile(), Map.of());
		final String why = ExplainCommands.cancelReason(m);
		assertNotNull(why);
		assertTrue(why.contains("LRP needs a model that exposes its stages"), why);
		assertNull(m.getOutput("attribution"));
	}

	@Test
	void cliListsTheRelevanceMethods() {
		final ByteArrayOutputStream out = new ByteArrayOutputStream();
		assertEquals(0, Main.run(new String[] { "list" }, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(
			new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)));
		final String s = out.toString(StandardCharsets.UTF_8);
		assertTrue(s.contains("guided-backprop  (Plugins > Explain-IJ > Attribution > Guided Backpropagation)"), s);
		assertTrue(s.contains("deconvnet  (Plugins > Explain-IJ > Attribution > Deconvnet)"), s);
		assertTrue(s.contains("lrp  (Plugins > Explain-IJ > Attribution > LRP)"), s);
		assertTrue(s.contains("--param rule=epsilon|zplus|alphabeta|composite  (default: epsilon)"), s);
		assertTrue(s.contains("deeplift  (Plugins > Explain-IJ > Attribution > DeepLIFT)"), s);
		assertTrue(s.contains("--param baseline=zero|mean|blur  (default: zero)"), s);
	}
}
