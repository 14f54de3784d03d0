package io.github.explainij.cli;

import ij.IJ;
import ij.ImagePlus;
import ij.io.FileSaver;

import io.github.explainij.ExplainException;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The benchmark against the Python anchor ({@code benchmark --anchor /usr/bin/python3}): for each method
 * that has one in {@code src/site/anchor_captum.py}, Explain-IJ's command line and the anchor run as whole
 * processes on the same TorchScript model and image, in turn (A B A B ..., so a drift of the machine's speed
 * affects both), and the report gives each one's median wall time, their ratio (median of the pairs'
 * ratios) and the largest difference of their maps relative to the anchor's largest value. Skipped, with
 * the reason, where the anchor cannot run (no Python with torch and tifffile, no Captum source in
 * {@code EXPLAINIJ_PYLIB}).
 */
final class AnchorRuns {

	/** Methods with an anchor, and the parameters both sides run with (the settings). */
	static final Map<String, List<String>> METHODS = Map.of(
		"saliency", List.of(),
		"gradient-x-input", List.of(),
		"integrated-gradients", List.of("steps=50"),
		"occlusion", List.of("window=16", "stride=8"),
		"grad-cam", List.of());

	private AnchorRuns() {}

	/** Why the anchor cannot run here, or null when it can. */
	static String unavailable(final String python, final Path script) {
		if (!Files.isRegularFile(script)) return "no anchor script " + script;
		final String pylib = System.getenv("EXPLAINIJ_PYLIB");
		if (pylib == null || !Files.isDirectory(Path.of(pylib, "captum"))) {
			return "EXPLAINIJ_PYLIB does not name a folder holding Captum's source (captum/)";
		}
		try {
			final Process p = new ProcessBuilder(python, "-c", "import torch, tifffile").redirectErrorStream(true).start();
			p.getInputStream().readAllBytes();
			if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) return python + " cannot import torch and tifffile";
		}
		catch (final IOException e) {
			return "cannot run " + python + ": " + e.getMessage();
		}
		catch (final InterruptedException e) {
			Thread.currentThread().interrupt();
			return "interrupted";
		}
		return null;
	}

	/**
	 * Runs the comparisons and returns the Markdown table's rows.
	 *
	 * @param rounds pairs of runs per method and size
	 */
	static List<String> run(final String python, final Path script, final Path model, final List<ImagePlus> images,
		final List<String> methods, final int rounds, final java.io.PrintStream out) throws IOException
	{
		final List<String> rows = new ArrayList<>();
		final Path dir = Files.createTempDirectory("explainij-anchor");
		try {
			for (final ImagePlus image : images) {
				final Path tif = dir.resolve(image.getTitle() + ".tif");
				if (!new FileSaver(image).saveAsTiff(tif.toString())) throw new IOException("cannot write " + tif);
				for (final String method : methods) {
					if (!METHODS.containsKey(method)) continue;
					final Path ours = dir.resolve("ours.tif"), theirs = dir.resolve("anchor.tif");
					final List<String> java = javaCommand(method, model, tif, ours);
					final List<String> anchor = new ArrayList<>(List.of(python, script.toString(), method, model.toString(), tif.toString(),
						theirs.toString()));
					anchor.addAll(METHODS.get(method));
					final double[] a = new double[rounds], b = new double[rounds], ratio = new double[rounds];
					for (int r = 0; r < rounds; r++) {
						a[r] = seconds(java);
						b[r] = seconds(anchor);
						ratio[r] = a[r] / b[r];
					}
					final double difference = maxRelativeDifference(ours, theirs);
					final String row = String.format(Locale.ROOT, "| %s | %s | %dx%d | %s | %.2f | %.2f | %.2f | %.1e |", method,
						Main.baseName(model.toFile()), image.getWidth(), image.getHeight(),
						METHODS.get(method).isEmpty() ? "defaults" : String.join(" ", METHODS.get(method)), median(a), median(b), median(ratio),
						difference);
					out.println(row);
					rows.add(row);
				}
			}
		}
		finally {
			try (var files = Files.list(dir)) {
				for (final Path f : files.toList()) Files.deleteIfExists(f);
			}
			Files.deleteIfExists(dir);
		}
		return rows;
	}

	/** This JVM's command line for a method run (the same Java, class path and memory setting). */
	private static List<String> javaCommand(final String method, final Path model, final Path image, final Path out) {
		final List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
			System.getProperty("java.class.path"), Main.class.getName(), method, "--model", model.toString(), "--image", image.toString(),
			"--out", out.toString(), "--param", "show_overlay=false"));
		for (final String p : METHODS.get(method)) {
			cmd.add("--param");
			cmd.add(p);
		}
		return cmd;
	}

	/** A whole process's wall time; its output is discarded, a failure stops the benchmark with its last lines. */
	private static double seconds(final List<String> command) throws IOException {
		final File log = File.createTempFile("explainij-anchor", ".log");
		try {
			final long start = System.nanoTime();
			final Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
			final int status = p.waitFor();
			final double s = (System.nanoTime() - start) * 1e-9;
			if (status != 0) {
				final List<String> lines = Files.readAllLines(log.toPath());
				throw new ExplainException("'" + String.join(" ", command.subList(0, Math.min(6, command.size()))) + " ...' failed (exit " +
					status + "): " + String.join(" / ", lines.subList(Math.max(0, lines.size() - 3), lines.size())));
			}
			return s;
		}
		catch (final InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new ExplainException("interrupted");
		}
		finally {
			Files.deleteIfExists(log.toPath());
		}
	}

	static double maxRelativeDifference(final Path ours, final Path anchor) {
		final ImagePlus a = IJ.openImage(ours.toString()), b = IJ.openImage(anchor.toString());
		if (a == null || b == null) return Double.NaN;
		final float[] x = (float[]) a.getProcessor().convertToFloatProcessor().getPixels();
		final float[] y = (float[]) b.getProcessor().convertToFloatProcessor().getPixels();
		if (x.length != y.length) return Double.NaN;
		double diff = 0, scale = 0;
		for (int i = 0; i < x.length; i++) {
			diff = Math.max(diff, Math.abs(x[i] - y[i]));
			scale = Math.max(scale, Math.abs(y[i]));
		}
		return scale == 0 ? diff : diff / scale;
	}

	static double median(final double[] values) {
		final double[] v = values.clone();
		Arrays.sort(v);
		return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
	}
}
