package io.github.explainij.ij1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.explainij.TestData;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * Runs a macro of {@code macros/} through plain ImageJ 1.x's interpreter ({@link MacroHarness}) in a
 * child JVM: on the machine's display, or under {@code xvfb-run} where there is none. Without either
 * the calling test is skipped, except in CI ({@code CI=true}), where it fails.
 */
public final class MacroRunner {

	private MacroRunner() {}

	/**
	 * @param macro file name in {@code macros/}
	 * @param argument the macro's argument ({@code getArgument()})
	 * @param workDir where the log goes
	 * @return what the macro run printed (the ImageJ log included); the run must have exited 0
	 */
	public static String run(final String macro, final String argument, final Path workDir) throws IOException, InterruptedException {
		return runMain(MacroHarness.class, macro, workDir, TestData.repo().toString(), TestData.repo().resolve("macros").resolve(macro).toString(),
			argument);
	}

	/**
	 * Runs a class's {@code main} with these arguments in a child JVM on a display (as {@link #run}); the
	 * run must exit 0.
	 *
	 * @param what what runs, for messages
	 * @return what it printed
	 */
	public static String runMain(final Class<?> main, final String what, final Path workDir, final String... args)
		throws IOException, InterruptedException
	{
		final List<String> cmd = new ArrayList<>();
		final String display = System.getenv("DISPLAY");
		if (display == null || display.isEmpty()) {
			if (!onPath("xvfb-run")) {
				if ("true".equalsIgnoreCase(System.getenv("CI"))) fail("CI needs xvfb-run (apt-get install xvfb xauth) for the macro tests");
				// surefire shows only a count of skipped tests: say which and why on the console
				final String why = "no display and no xvfb-run: install xvfb (apt-get install xvfb xauth) to run the macro tests";
				System.out.println("SKIPPED macro test " + what + ": " + why);
				Assumptions.abort(why);
			}
			cmd.add("xvfb-run");
			cmd.add("-a");
		}
		cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		cmd.add("-Dai.djl.offline=true");
		cmd.add("-cp");
		cmd.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
		cmd.add(main.getName());
		cmd.addAll(List.of(args));
		final Path log = Files.createTempFile(workDir, "macro", ".log");
		final Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
		if (!p.waitFor(4, TimeUnit.MINUTES)) {
			p.destroyForcibly();
			fail(what + " did not finish in 4 minutes:\n" + Files.readString(log));
		}
		final String printed = Files.readString(log, StandardCharsets.UTF_8);
		assertEquals(0, p.exitValue(), printed);
		return printed;
	}

	private static boolean onPath(final String exe) {
		for (final String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
			if (new File(dir, exe).canExecute()) return true;
		}
		return false;
	}
}
