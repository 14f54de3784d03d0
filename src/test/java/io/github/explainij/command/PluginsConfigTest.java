package io.github.explainij.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.explainij.TestData;
import io.github.explainij.cli.Main;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandService;

/**
 * plain ImageJ 1.x sees exactly the discovered commands: every entry of plugins.config names a command
 * that the plugin index finds, under the same menu path and label (so that in Fiji the SciJava command
 * takes the label over), and every discovered command has an entry. A method found by name with its own
 * parameters can be wrapped: SmoothGrad over Integrated Gradients runs from the command line.
 */
class PluginsConfigTest extends CommandTestContext {

	private static final Pattern ENTRY = Pattern.compile("^(Plugins>[^,]+),\\s*\"([^\"]+)\",\\s*io\\.github\\.explainij\\.ij1\\.CommandBridge\\(\"([^\"]+)\"\\)$");

	@Test
	void pluginsConfigMatchesTheDiscoveredCommands() throws IOException {
		final Map<String, String> config = new TreeMap<>();
		for (final String line : Files.readAllLines(TestData.repo().resolve("plugins.config"))) {
			if (line.isBlank() || line.startsWith("#")) continue;
			final Matcher m = ENTRY.matcher(line.trim());
			assertTrue(m.matches(), "plugins.config line not understood: " + line);
			config.put(m.group(3), m.group(1) + ">" + m.group(2));
		}
		final Map<String, String> discovered = new TreeMap<>();
		for (final CommandInfo info : ExplainCommands.commands(context.service(CommandService.class))) {
			discovered.put(info.getName(), info.getMenuPath().stream().map(e -> e.getName()).reduce((a, b) -> a + ">" + b).orElse(""));
		}
		assertEquals(discovered, config);
	}

	@Test
	void smoothGradWrapsAMethodNamedOnTheCommandLine() {
		final ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
		final java.nio.file.Path tif = TestData.repo().resolve("target/test-output/smoothgrad-ig.tif");
		final int status = Main.run(new String[] { "smoothgrad", "--model", TestData.model("cells-gap").toString(), "--image",
			TestData.sample("cells", "foci_001").toString(), "--out", tif.toString(), "--param", "base=integrated-gradients",
			"--param", "base_parameters=steps=4 integration=riemann_middle", "--param", "samples=2" },
			new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
		assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
		final ij.ImagePlus imp = ij.IJ.openImage(tif.toString());
		assertEquals("integrated-gradients", imp.getProp("base"));
		assertEquals("4", imp.getProp("base.steps"));
		assertEquals("riemann_middle", imp.getProp("base.integration"));
		final ByteArrayOutputStream err2 = new ByteArrayOutputStream();
		assertEquals(2, Main.run(new String[] { "smoothgrad", "--model", TestData.model("cells-gap").toString(), "--image",
			TestData.sample("cells", "foci_001").toString(), "--out", tif.toString(), "--param", "base=integrated-gradients",
			"--param", "base_parameters=stepz=4" }, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
			new PrintStream(err2, true, StandardCharsets.UTF_8)));
		assertTrue(err2.toString(StandardCharsets.UTF_8).contains("unknown parameter(s) [stepz] for integrated-gradients"),
			err2.toString(StandardCharsets.UTF_8));
	}
}
