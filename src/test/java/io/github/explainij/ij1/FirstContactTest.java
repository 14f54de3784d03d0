package io.github.explainij.ij1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;

import io.github.explainij.TestData;
import io.github.explainij.cli.CommandRunner;
import io.github.explainij.command.AttributionCommand;
import io.github.explainij.command.ExplainCommands;

import java.io.File;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.scijava.Context;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandService;
import org.scijava.log.LogLevel;
import org.scijava.log.LogService;
import org.scijava.module.Module;
import org.scijava.module.ModuleService;
import org.scijava.module.process.PostprocessorPlugin;
import org.scijava.module.process.PreprocessorPlugin;
import org.scijava.plugin.PluginService;

/**
 * What a new user meets around a run: a result image is not explained again (the command asks for the
 * source image), a long run says how long it will take, and Fiji's own persistence (SciJava) remembers
 * the model file.
 */
class FirstContactTest {

	private static Context context;

	@BeforeAll
	static void start() {
		context = new Context();
		// the refusals are checked through the commands' cancel reasons; keep their log lines off the console
		context.service(LogService.class).setLevel(LogLevel.NONE);
	}

	@AfterAll
	static void stop() {
		context.dispose();
	}

	private static CommandInfo command(final String name) {
		return ExplainCommands.byName(context.service(CommandService.class), name);
	}

	private static Module run(final String name, final ImagePlus image, final Map<String, String> params) {
		return new CommandRunner(context).run(command(name), image, TestData.model("cells-gap").toFile(), params);
	}

	@Test
	void aResultImageIsRefusedWithAMessageNamingTheSource() {
		final ImagePlus source = TestData.openSample("cells", "foci_002");
		final ImagePlus map = (ImagePlus) run("saliency", source, Map.of("show_overlay", "false")).getOutput("attribution");
		assertNotNull(map);
		assertTrue(AttributionCommand.isExplainResult(map));
		assertFalse(AttributionCommand.isExplainResult(source));
		final Object before = map.getProcessor().duplicate().getPixels();
		// a result carries its colour bar as an overlay; a refused run adds nothing to it
		final String overlayBefore = String.valueOf(map.getOverlay());
		for (final String next : new String[] { "saliency", "grad-cam", "occlusion" }) {
			final Module m = run(next, map, Map.of());
			final String why = ExplainCommands.cancelReason(m);
			assertEquals("'Saliency Map of foci_002.tif (foci)' is an Explain-IJ result, not an image to explain: select the source image " +
				"('foci_002.tif') and run the command again", why, next);
			assertNull(m.getOutput("attribution"));
			assertEquals(overlayBefore, String.valueOf(map.getOverlay()), "the result is left as it was");
			assertTrue(java.util.Arrays.equals((float[]) before, (float[]) map.getProcessor().getPixels()));
		}
		// a CAM's map at the layer's resolution is a result too
		final ImagePlus layerMap = (ImagePlus) run("grad-cam", source, Map.of("layer_resolution", "true", "show_overlay", "false"))
			.getOutput("layer_map");
		assertTrue(ExplainCommands.cancelReason(run("saliency", layerMap, Map.of())).contains("select the source image"));
		// the source itself still runs
		assertNull(ExplainCommands.cancelReason(run("saliency", source, Map.of("show_overlay", "false"))));
	}

	@Test
	void longRunsSayHowManyPassesAndRoughlyHowLong() {
		// 100 of 1025 passes in 7.2 s: 925 left at 0.072 s each
		assertEquals("Occlusion Sensitivity: 100 of 1025 model passes, about 1 min 7 s left (Esc stops)",
			AttributionCommand.passesMessage("Occlusion Sensitivity", 100, 1025, 7.2));
		// short runs, the start and the end say nothing beyond the progress bar
		assertNull(AttributionCommand.passesMessage("RISE", 10, 100, 0.1));
		assertNull(AttributionCommand.passesMessage("RISE", 0, 100, 0));
		assertNull(AttributionCommand.passesMessage("RISE", 100, 100, 30));
		assertEquals("LIME: 50 of 1000 model passes, about 57 s left (Esc stops)", AttributionCommand.passesMessage("LIME", 50, 1000, 3));
		assertEquals("40 s", AttributionCommand.duration(40.2));
		assertEquals("2 min", AttributionCommand.duration(120));
		assertEquals("2 min 10 s", AttributionCommand.duration(130));
		assertEquals("1 h 5 min", AttributionCommand.duration(3900));
		assertEquals("1 s", AttributionCommand.duration(0.2));
	}

	@Test
	void sciJavaPersistenceRemembersTheModelFile() throws Exception {
		// Fiji harvests a command's inputs, then saves them (SaveInputsPreprocessor, among all of SciJava's
		// preprocessors, as Fiji runs them); the model file is a File, which SciJava converts to and from its path
		final CommandInfo info = command("saliency");
		final File model = TestData.model("cells-gap").toFile();
		final ModuleService modules = context.service(ModuleService.class);
		final Module module = modules.createModule(info);
		final Map<String, Object> inputs = Map.of("image", TestData.openSample("cells", "foci_002"), "model_file", model,
			"target", "foci", "show_overlay", false, "absolute", false);
		for (final Map.Entry<String, Object> e : inputs.entrySet()) {
			module.setInput(e.getKey(), e.getValue());
			module.resolveInput(e.getKey());
		}
		modules.run(module, context.service(PluginService.class).createInstancesOfType(PreprocessorPlugin.class),
			List.<PostprocessorPlugin> of(), Map.of()).get();
		assertNull(ExplainCommands.cancelReason(module));
		assertEquals(model.getAbsoluteFile(), modules.load(info.getInput("model_file")));
		assertEquals("foci", modules.load(info.getInput("target")));
		assertEquals(false, modules.load(info.getInput("absolute")));
	}

	@Test
	void theCommandLineLeavesRememberedValuesAlone() throws Exception {
		// the command line never reads SciJava's remembered values, so it does not write them either
		final CommandInfo info = command("saliency");
		final ModuleService modules = context.service(ModuleService.class);
		@SuppressWarnings("unchecked")
		final org.scijava.module.ModuleItem<String> target = (org.scijava.module.ModuleItem<String>) info.getInput("target");
		modules.save(target, "interphase");
		new CommandRunner(context).run(info, TestData.openSample("cells", "foci_002"), TestData.model("cells-gap").toFile(),
			Map.of("target", "foci", "show_overlay", "false"));
		assertEquals("interphase", modules.load(info.getInput("target")));
	}
}
