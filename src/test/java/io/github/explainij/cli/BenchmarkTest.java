package io.github.explainij.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark verb's report: what it counts and where it writes, not how fast anything is. */
class BenchmarkTest extends CommandLineRun {

	@TempDir
	Path tmp;

	@Test
	void theReportCountsEachMethodsPassesAndWritesTheTable() throws Exception {
		final Path report = tmp.resolve("bench.md");
		assertEquals(Main.OK, run("benchmark", "--sizes", "64", "--models", "cells-gap", "--methods", "saliency,occlusion", "--repeats", "1",
			"--param", "occlusion.stride=16", "--param", "occlusion.incremental=off", "--out", report.toString()), errors());
		final List<String> lines = Files.readAllLines(report);
		assertTrue(lines.get(0).startsWith("Machine: "), lines.get(0));
		// saliency: one pass with backward (the class comes from it); occlusion with window 16, stride 16 on 64x64: 1 + 4 x 4 passes
		assertEquals("1 (1 with backward)", column(lines, "| saliency | cells-gap | 64x64 |", 4));
		assertEquals("17", column(lines, "| occlusion | cells-gap | 64x64 |", 4));
		assertTrue(column(lines, "| occlusion | cells-gap | 64x64 |", 3).contains("stride=16"), lines.toString());
		final double time = Double.parseDouble(column(lines, "| saliency | cells-gap | 64x64 |", 5));
		final double limit = Double.parseDouble(column(lines, "| saliency | cells-gap | 64x64 |", 6));
		final double ratio = Double.parseDouble(column(lines, "| saliency | cells-gap | 64x64 |", 7));
		// ratio = time / limit from unrounded values; time and limit are printed to 4 decimals, the ratio to 2
		assertTrue(limit > 0 && ratio >= (time - 5e-5) / (limit + 5e-5) - 5e-3, ratio + " " + time + " " + limit);
		if (limit >= 0.002) assertTrue(ratio <= (time + 5e-5) / (limit - 5e-5) + 5e-3, ratio + " " + time + " " + limit);
	}

	@Test
	void badOptionsAreRefusedWithOneLine() {
		assertEquals(Main.BAD_INPUT, run("benchmark", "--rounds", "three"));
		assertTrue(errors().contains("--rounds takes a whole number, not 'three'"), errors());
		assertEquals(Main.BAD_INPUT, run("benchmark", "--methods", "no-such-method"));
		assertTrue(errors().contains("no method matches --methods"), errors());
		assertEquals(Main.BAD_INPUT, run("benchmark", "--models", tmp.resolve("no-such-model.pt").toString(), "--methods", "saliency"));
		assertTrue(errors().contains("--models: no model file"), errors());
		assertEquals(Main.BAD_INPUT, run("benchmark", "--frobnicate", "1"));
		assertTrue(errors().contains("unknown option --frobnicate"), errors());
	}

	/** Column {@code index} (0-based, between the bars) of the table row starting with {@code prefix}. */
	private static String column(final List<String> lines, final String prefix, final int index) {
		for (final String line : lines) {
			if (line.startsWith(prefix)) {
				final Matcher m = Pattern.compile("\\|([^|]*)").matcher(line);
				for (int i = 0; m.find(); i++) {
					if (i == index) return m.group(1).trim();
				}
			}
		}
		throw new AssertionError("no row " + prefix + " in " + lines);
	}
}
