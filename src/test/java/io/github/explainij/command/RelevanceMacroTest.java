package io.github.explainij.command;

import static io.github.explainij.TestData.assertRelativeClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ij.IJ;
import ij.ImagePlus;

import io.github.explainij.TestData;
import io.github.explainij.ij1.MacroHarness;
import io.github.explainij.image.ImagePlusAdapter;
import io.github.explainij.method.ExplainRequest;
import io.github.explainij.method.relevance.Lrp;
import io.github.explainij.target.ScoreKind;
import io.github.explainij.target.TargetSpec;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * macros/Explain_Relevance_Example.ijm through plain ImageJ 1.x's macro interpreter (a child JVM, under
 * xvfb-run where there is no display, as MacroTest): the four relevance commands are reached through
 * their plugins.config entries with their macro keys.
 */
class RelevanceMacroTest {

	@TempDir
	Path tmp;

	@Test
	void exampleMacroRunsTheFourCommands() throws Exception {
		final Path image = TestData.sample("cells", "foci_002"), model = TestData.model("cells-gap");
		final List<String> cmd = new ArrayList<>();
		final String display = System.getenv("DISPLAY");
		if (display == null || display.isEmpty()) {
			if (!onPath("xvfb-run")) {
				if ("true".equalsIgnoreCase(System.getenv("CI"))) fail("CI needs xvfb-run for the macro test");
				Assumptions.abort("no display and no xvfb-run");
			}
			cmd.add("xvfb-run");
			cmd.add("-a");
		}
		cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		cmd.add("-Dai.djl.offline=true");
		cmd.add("-cp");
		cmd.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
		cmd.add(MacroHarness.class.getName());
		cmd.add(TestData.repo().toString());
		cmd.add(TestData.repo().resolve("macros/Explain_Relevance_Example.ijm").toString());
		cmd.add("image=[" + image + "] model=[" + model + "] output=[" + tmp + "]");
		final Path log = tmp.resolve("macro.log");
		final Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
		if (!p.waitFor(4, TimeUnit.MINUTES)) {
			p.destroyForcibly();
			fail("macro did not finish in 4 minutes:\n" + Files.readString(log));
		}
		final String printed = Files.readString(log, StandardCharsets.UTF_8);
		assertEquals(0, p.exitValue(), printed);
		assertTrue(printed.contains("Explain-IJ: relevance maps of foci_002"), printed);
		for (final String suffix : new String[] { "guided", "deconvnet", "lrp", "deeplift" }) {
			final ImagePlus map = IJ.openImage(tmp.resolve("foci_002_" + suffix + ".tif").toString());
			assertEquals(ImagePlus.GRAY32, map.getType(), suffix);
			assertEquals(64, map.getWidth(), suffix);
		}
		final ImagePlus lrp = IJ.openImage(tmp.resolve("foci_002_lrp.tif").toString());
		final ExplainRequest r = new ExplainRequest(TestData.network(model), ImagePlusAdapter.currentPlanes(IJ.openImage(image.toString())),
			TargetSpec.predicted(), ScoreKind.LOGIT);
		assertRelativeClose(ImagePlusAdapter.toChw(new Lrp("composite", 1e-6, 2, 1, false).explain(r).map()),
			(float[]) lrp.getProcessor().getPixels(), 1e-6, "LRP via macro");
		assertTrue(((String) lrp.getProperty("Info")).contains("rule: composite"));
	}

	private static boolean onPath(final String exe) {
		for (final String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
			if (new File(dir, exe).canExecute()) return true;
		}
		return false;
	}
}
