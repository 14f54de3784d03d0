package io.github.explainij.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import ij.io.FileSaver;
import ij.process.FloatProcessor;

import io.github.explainij.TestData;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The anchor comparison's arithmetic, and its refusal to run where the anchor cannot. */
class AnchorRunsTest {

	@TempDir
	Path tmp;

	@Test
	void mediansAndDifferencesAreComputedAsReported() {
		assertEquals(2.0, AnchorRuns.median(new double[] { 3, 1, 2 }));
		assertEquals(2.5, AnchorRuns.median(new double[] { 4, 1, 3, 2 }));
		final Path a = tmp.resolve("a.tif"), b = tmp.resolve("b.tif");
		new FileSaver(new ImagePlus("a", new FloatProcessor(2, 1, new float[] { 1.0f, 2.0f }))).saveAsTiff(a.toString());
		new FileSaver(new ImagePlus("b", new FloatProcessor(2, 1, new float[] { 1.5f, -4.0f }))).saveAsTiff(b.toString());
		// max |a - b| = 6, max |b| = 4
		assertEquals(1.5, AnchorRuns.maxRelativeDifference(a, b), 1e-7);
	}

	@Test
	void theAnchorIsSkippedWithTheReasonWhereItCannotRun() {
		assertTrue(AnchorRuns.unavailable("/usr/bin/python3", tmp.resolve("missing.py")).startsWith("no anchor script"));
		final String why = AnchorRuns.unavailable(tmp.resolve("no-python").toString(), TestData.repo().resolve("src/site/anchor_captum.py"));
		assertTrue(why.startsWith("cannot run") || why.startsWith("EXPLAINIJ_PYLIB"), why);
	}
}
