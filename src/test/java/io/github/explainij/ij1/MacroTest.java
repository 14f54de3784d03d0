package io.github.explainij.ij1;

import static io.github.explainij.TestData.assertRelativeClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ij.IJ;
import ij.ImagePlus;

import io.github.explainij.TestData;
import io.github.explainij.image.ImagePlusAdapter;
import io.github.explainij.method.ExplainRequest;
import io.github.explainij.method.SaliencyMap;
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
 * macros/Explain_Folder_Saliency.ijm through plain ImageJ 1.x's macro interpreter: its
 * {@code run("Saliency Map", ...)} reaches the SciJava command through the plugins.config entry and
 * the ImageJ 1.x bridge. ImageJ 1.x needs a display, so the macro runs in a child JVM on the
 * machine's display or, where there is none, under {@code xvfb-run}. Without either the test is
 * skipped, except in CI (CI=true), where it fails.
 */
class MacroTest {

	@TempDir
	Path tmp;

	@Test
	void folderMacroExplainsEveryImage() throws Exception {
		final Path input = tmp.resolve("in"), output = tmp.resolve("out");
		Files.createDirectories(input);
		final String[] names = { "foci_002", "interphase_003", "apoptotic_004" };
		for (final String n : names) Files.copy(TestData.sample("cells", n), input.resolve(n + ".tif"));
		final Path model = TestData.model("cells-gap");

		final List<String> cmd = new ArrayList<>();
		final boolean hasDisplay = System.getenv("DISPLAY") != null && !System.getenv("DISPLAY").isEmpty();
		if (!hasDisplay) {
			if (!onPath("xvfb-run")) {
				if ("true".equalsIgnoreCase(System.getenv("CI"))) fail("CI needs xvfb-run (apt-get install xvfb xauth) for the macro test");
				Assumptions.abort("no display and no xvfb-run: install xvfb to run the macro test");
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
		cmd.add(TestData.repo().resolve("macros/Explain_Folder_Saliency.ijm").toString());
		cmd.add("input=[" + input + "] model=[" + model + "] output=[" + output + "] target=predicted score=logit");
		final Path log = tmp.resolve("macro.log");
		final Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
		if (!p.waitFor(4, TimeUnit.MINUTES)) {
			p.destroyForcibly();
			fail("macro did not finish in 4 minutes:\n" + Files.readString(log));
		}
		final String printed = Files.readString(log, StandardCharsets.UTF_8);
		assertEquals(0, p.exitValue(), printed);
		assertTrue(printed.contains("explained 3 images"), printed);

		for (final String n : names) {
			final ImagePlus map = IJ.openImage(output.resolve(n + "_saliency.tif").toString());
			final ExplainRequest r = new ExplainRequest(TestData.network(model),
				ImagePlusAdapter.currentPlanes(IJ.openImage(input.resolve(n + ".tif").toString())), TargetSpec.predicted(), ScoreKind.LOGIT);
			assertRelativeClose(ImagePlusAdapter.toChw(new SaliencyMap(true, false).explain(r).map()), (float[]) map.getProcessor().getPixels(),
				1e-6, n + " saliency via macro");
			final ImagePlus png = IJ.openImage(output.resolve(n + "_overlay.png").toString());
			assertEquals(ImagePlus.COLOR_RGB, png.getType());
		}
		final List<String> table = Files.readAllLines(output.resolve("saliency_summary.csv"));
		assertEquals(4, table.size(), String.join("\n", table));
		// one row per image, with the predicted and the explained class (predicted by default)
		assertTrue(table.stream().anyMatch(r -> r.contains("foci_002.tif,foci,foci,")), String.join("\n", table));
	}

	private static boolean onPath(final String exe) {
		for (final String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
			if (new File(dir, exe).canExecute()) return true;
		}
		return false;
	}
}
