package io.github.explainij.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import ij.ImageStack;
import ij.io.FileSaver;
import ij.process.FloatProcessor;

import io.github.explainij.TestData;
import io.github.explainij.command.ExplainCommands;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;

import org.scijava.Context;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandService;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The anchor comparison's arithmetic, its coverage of every method, and its refusal to run where the anchor cannot. */
class AnchorRunsTest {

	@TempDir
	Path tmp;

	@Test
	void mediansAndDifferencesAreComputedAsReported() {
		assertEquals(2.0, AnchorRuns.median(new double[] { 3, 1, 2 }));
		assertEquals(2.5, AnchorRuns.median(new double[] { 4, 1, 3, 2 }));
		final Path a = stack("a", 1, 2, 3, 4), b = stack("b", 2, 4, 6, 8), c = stack("c", 8, 6, 4, 2);
		// every slice counts: max |a - b| = 4 (last pixel of the second slice), max |b| = 8; b = 2a, so r = 1
		assertArrayEquals(new double[] { 0.5, 1.0 }, AnchorRuns.agreement(a, b), 1e-7);
		// c = 10 - 2a: r = -1; max |a - c| = 7, max |c| = 8
		assertArrayEquals(new double[] { 7.0 / 8, -1.0 }, AnchorRuns.agreement(a, c), 1e-7);
		assertTrue(Double.isNaN(AnchorRuns.agreement(a, tmp.resolve("missing.tif"))[0]));
	}

	/** A two-slice stack of 2x1 images holding the values in order. */
	private Path stack(final String name, final float... v) {
		final ImageStack s = new ImageStack(2, 1);
		s.addSlice(new FloatProcessor(2, 1, new float[] { v[0], v[1] }));
		s.addSlice(new FloatProcessor(2, 1, new float[] { v[2], v[3] }));
		final Path f = tmp.resolve(name + ".tif");
		new FileSaver(new ImagePlus(name, s)).saveAsTiffStack(f.toString());
		return f;
	}

	@Test
	void everyAttributionMethodHasAnAnchorInTheScript() throws Exception {
		final Context c = new Context(CommandService.class);
		try {
			final List<String> names = ExplainCommands.all(c.service(CommandService.class)).stream().map(CommandInfo::getName).toList();
			assertEquals(new TreeSet<>(names), new TreeSet<>(AnchorRuns.METHODS.keySet()));
			final String script = Files.readString(TestData.repo().resolve("src/site/anchor_captum.py"));
			for (final String m : names) assertTrue(script.contains("\"" + m + "\""), m + " has no branch in anchor_captum.py");
		}
		finally {
			c.dispose();
		}
	}

	@Test
	void explainIjRunsAsUsersRunItWithTheMethodsParameters() {
		final List<String> cmd = AnchorRuns.javaCommand("occlusion", Path.of("m.pt"), Path.of("i.tif"), Path.of("o.tif"));
		// tests run from classes, not from target/explain-ij.jar: this JVM's java and class path (the jar would use ./explain-ij)
		assertEquals(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", System.getProperty("java.class.path"),
			Main.class.getName(), "occlusion", "--model", "m.pt", "--image", "i.tif", "--out", "o.tif", "--param", "show_overlay=false", "--param",
			"window=16", "--param", "stride=8"), cmd);
	}

	@Test
	void peakMemoryIsReadFromTheKernelsHighWaterMark() {
		final long self = AnchorRuns.Run.highWaterMark(Path.of("/proc/self/status"));
		// this JVM holds at least its heap's used part in resident memory
		assertTrue(self > Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory(), Long.toString(self));
		assertEquals(0, AnchorRuns.Run.highWaterMark(tmp.resolve("no-such-process")));
	}

	@Test
	void theAnchorIsSkippedWithTheReasonWhereItCannotRun() {
		assertTrue(AnchorRuns.unavailable("/usr/bin/python3", tmp.resolve("missing.py")).startsWith("no anchor script"));
		final String why = AnchorRuns.unavailable(tmp.resolve("no-python").toString(), TestData.repo().resolve("src/site/anchor_captum.py"));
		assertTrue(why.startsWith("cannot run") || why.startsWith("EXPLAINIJ_PYLIB"), why);
	}
}
