package io.github.explainij.cli;

import ij.IJ;
import ij.ImagePlus;
import ij.io.FileSaver;

import io.github.explainij.ExplainException;
import io.github.explainij.evaluate.Statistics;
import io.github.explainij.model.MemoryBudget;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The benchmark against the Python anchors ({@code benchmark --anchor /usr/bin/python3}): for each method,
 * Explain-IJ's command line (as users run it: {@code ./explain-ij} when the benchmark runs from the jar) and its
 * anchor in {@code src/site/anchor_captum.py} (Captum, Zennit, pytorch-grad-cam, ...) run as whole processes on the
 * same TorchScript model and image, in turn (A B A B ..., so a drift of the machine's speed affects both), after
 * one untimed run of each; the report gives each one's median wall time, their ratio (median of the pairs'
 * ratios), each one's peak memory and how far the maps are apart. Skipped, with the reason, where the anchor
 * cannot run (no Python with torch and tifffile, no library sources in {@code EXPLAINIJ_PYLIB}).
 */
final class AnchorRuns {

	/**
	 * Methods with an anchor, and the parameters both sides run with: Explain-IJ's defaults, except the settings
	 * for occlusion (window 16, stride 8). Every attribution method has one.
	 */
	static final Map<String, List<String>> METHODS = new LinkedHashMap<>();
	static {
		for (final String m : List.of("saliency", "gradient-x-input", "smoothgrad", "integrated-gradients", "interior-gradients",
			"guided-backprop", "deconvnet", "lrp", "deeplift", "cam", "grad-cam", "grad-cam-pp", "layer-cam", "score-cam", "guided-grad-cam",
			"channel-ablation", "rise", "lime"))
		{
			METHODS.put(m, List.of());
		}
		METHODS.put("integrated-gradients", List.of("steps=50"));
		METHODS.put("occlusion", List.of("window=16", "stride=8"));
	}

	/** The anchor's library, for the table. */
	static String library(final String method) {
		switch (method) {
			case "lrp": return "Zennit";
			case "grad-cam-pp": case "layer-cam": case "score-cam": return "pytorch-grad-cam";
			case "cam": return "PyTorch";
			case "rise": return "RISE code";
			default: return "Captum";
		}
	}

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

	/** The table's head, for {@link #run}'s rows. */
	static final String HEAD = "| method | model | image | parameters | anchor | Explain-IJ (s) | anchor (s) | ratio | peak memory, Explain-IJ / anchor (MiB) " +
		"| max difference | r |\n|---|---|---|---|---|---|---|---|---|---|---|\n";

	/**
	 * Runs the comparisons and returns the Markdown table's rows ({@link #HEAD}): per method the median wall times, the
	 * median of the pairs' ratios, the larger peak resident memory of each side's runs, the largest difference of the
	 * maps relative to the anchor's largest value, and their correlation (Pearson's r: the measure for the methods that
	 * draw random samples, whose maps are not expected to be equal).
	 *
	 * @param rounds pairs of runs per method and size
	 */
	static List<String> run(final String python, final Path script, final Path model, final List<ImagePlus> images,
		final List<String> methods, final int rounds, final java.io.PrintStream out) throws IOException
	{
		final List<String> rows = new ArrayList<>();
		final Path dir = Files.createTempDirectory("explainij-anchor");
		try {
			boolean warm = false;
			for (final ImagePlus image : images) {
				final Path tif = dir.resolve(image.getTitle() + ".tif");
				if (!new FileSaver(image).saveAsTiff(tif.toString())) throw new IOException("cannot write " + tif);
				if (!warm) { // not timed: the launcher's first run makes its class-data archive, Python compiles its bytecode
					Run.of(javaCommand("saliency", model, tif, dir.resolve("warm.tif")));
					Run.of(List.of(python, script.toString(), "saliency", model.toString(), tif.toString(), dir.resolve("warm.tif").toString()));
					warm = true;
				}
				for (final String method : methods) {
					if (!METHODS.containsKey(method)) continue;
					final Path ours = dir.resolve("ours.tif"), theirs = dir.resolve("anchor.tif");
					final List<String> java = javaCommand(method, model, tif, ours);
					final List<String> anchor = new ArrayList<>(List.of(python, script.toString(), method, model.toString(), tif.toString(),
						theirs.toString()));
					anchor.addAll(METHODS.get(method));
					final double[] a = new double[rounds], b = new double[rounds], ratio = new double[rounds];
					long memoryA = 0, memoryB = 0;
					final String label = String.format(Locale.ROOT, "| %s | %s | %dx%d | %s | %s |", method, Main.baseName(model.toFile()),
						image.getWidth(), image.getHeight(), METHODS.get(method).isEmpty() ? "defaults" : String.join(" ", METHODS.get(method)),
						library(method));
					String row = null;
					try {
						for (int r = 0; r < rounds; r++) {
							final Run x = Run.of(java), y = Run.of(anchor);
							a[r] = x.seconds;
							b[r] = y.seconds;
							ratio[r] = a[r] / b[r];
							memoryA = Math.max(memoryA, x.peakBytes);
							memoryB = Math.max(memoryB, y.peakBytes);
						}
					}
					catch (final ExplainException e) { // e.g. channel ablation on a one-channel image: the row says why
						row = label + " not run: " + String.valueOf(e.getMessage()).replace('|', '/') + " | | | | | |";
					}
					if (row == null) {
						final double[] agreement = agreement(ours, theirs);
						row = label + String.format(Locale.ROOT, " %.2f | %.2f | %.2f | %s / %s | %.1e | %.4f |", median(a), median(b), median(ratio),
							mebibytes(memoryA), mebibytes(memoryB), agreement[0], agreement[1]);
					}
					out.println(row);
					rows.add(row);
				}
			}
		}
		finally {
			deleteFolder(dir);
		}
		return rows;
	}

	/**
	 * The network's batched forward and forward + backward passes in torch, side by side with Explain-IJ's
	 * (measured by the caller at the same batch): the anchor's {@code passes} mode, per image in seconds, as
	 * {forward, forward + backward, forward CPU time, forward + backward CPU time}.
	 */
	static double[] torchPasses(final String python, final Path script, final Path model, final ImagePlus image, final int batch)
		throws IOException
	{
		final Path dir = Files.createTempDirectory("explainij-anchor");
		try {
			final Path tif = dir.resolve("image.tif"), json = dir.resolve("passes.json");
			if (!new FileSaver(image).saveAsTiff(tif.toString())) throw new IOException("cannot write " + tif);
			Run.of(List.of(python, script.toString(), "passes", model.toString(), tif.toString(), json.toString(), "batch=" + batch));
			final String text = Files.readString(json);
			return new double[] { jsonNumber(text, "forward_ms") * 1e-3, jsonNumber(text, "forward_backward_ms") * 1e-3,
				jsonNumber(text, "forward_cpu_ms") * 1e-3, jsonNumber(text, "forward_backward_cpu_ms") * 1e-3 };
		}
		finally {
			deleteFolder(dir);
		}
	}

	private static double jsonNumber(final String json, final String key) {
		final java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"" + key + "\"\\s*:\\s*([-0-9.eE+]+)").matcher(json);
		if (!m.find()) throw new ExplainException("the anchor's passes gave no " + key + ": " + json);
		return Double.parseDouble(m.group(1));
	}

	private static void deleteFolder(final Path dir) throws IOException {
		try (var files = Files.list(dir)) {
			for (final Path f : files.toList()) Files.deleteIfExists(f);
		}
		Files.deleteIfExists(dir);
	}

	private static String mebibytes(final long bytes) {
		return bytes <= 0 ? "?" : Long.toString(Math.round(bytes / 1048576.0));
	}

	/**
	 * A method run's command line as users run it: the launcher {@code ./explain-ij} beside {@code target/} when this
	 * JVM runs that jar (with its class-data archive and huge pages), else this JVM's java and class path.
	 */
	static List<String> javaCommand(final String method, final Path model, final Path image, final Path out) {
		final List<String> cmd = new ArrayList<>(launcher());
		cmd.addAll(List.of(method, "--model", model.toString(), "--image", image.toString(), "--out", out.toString(), "--param",
			"show_overlay=false"));
		for (final String p : METHODS.get(method)) {
			cmd.add("--param");
			cmd.add(p);
		}
		return cmd;
	}

	/** {@code [./explain-ij]} when this JVM runs the jar beside it, else {@code [java, -cp, class path, Main]}. */
	static List<String> launcher() {
		final Path jar = Path.of(System.getProperty("java.class.path")).toAbsolutePath();
		final Path script = jar.getParent() == null || jar.getParent().getParent() == null ? null
			: jar.getParent().getParent().resolve("explain-ij");
		if (jar.getFileName().toString().equals("explain-ij.jar") && script != null && Files.isExecutable(script)) {
			return List.of(script.toString());
		}
		return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", System.getProperty("java.class.path"),
			Main.class.getName());
	}

	/** One whole process: its wall time and its peak resident memory (the kernel's high-water mark, VmHWM). */
	static final class Run {

		final double seconds;
		final long peakBytes;

		private Run(final double seconds, final long peakBytes) {
			this.seconds = seconds;
			this.peakBytes = peakBytes;
		}

		/** Runs the command, discarding its output; a failure stops the benchmark with its last lines. */
		static Run of(final List<String> command) throws IOException {
			final File log = File.createTempFile("explainij-anchor", ".log");
			try {
				final long start = System.nanoTime();
				final Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
				final Path status = Path.of("/proc", Long.toString(p.pid()), "status");
				long peak = 0;
				// VmHWM only grows, so its last reading before the exit is the peak, up to what the last few
				// milliseconds added
				while (!p.waitFor(10, TimeUnit.MILLISECONDS)) peak = Math.max(peak, highWaterMark(status));
				final double s = (System.nanoTime() - start) * 1e-9;
				if (p.exitValue() != 0) {
					final List<String> lines = Files.readAllLines(log.toPath());
					throw new ExplainException("'" + String.join(" ", command.subList(0, Math.min(6, command.size()))) + " ...' failed (exit " +
						p.exitValue() + "): " + String.join(" / ", lines.subList(Math.max(0, lines.size() - 3), lines.size())));
				}
				return new Run(s, peak);
			}
			catch (final InterruptedException e) {
				Thread.currentThread().interrupt();
				throw new ExplainException("interrupted");
			}
			finally {
				Files.deleteIfExists(log.toPath());
			}
		}

		/** VmHWM from /proc/PID/status in bytes; 0 where it cannot be read (not Linux, or the process has ended). */
		static long highWaterMark(final Path status) {
			return Math.max(0, MemoryBudget.procBytes(status, "VmHWM"));
		}
	}

	/**
	 * How far two maps (all slices of a stack) are apart: {largest difference relative to the anchor's largest
	 * value, Pearson correlation}; NaNs where a file is missing or the sizes differ.
	 */
	static double[] agreement(final Path ours, final Path anchor) {
		final ImagePlus a = IJ.openImage(ours.toString()), b = IJ.openImage(anchor.toString());
		if (a == null || b == null || a.getStackSize() != b.getStackSize() || a.getWidth() != b.getWidth() || a.getHeight() != b.getHeight()) {
			return new double[] { Double.NaN, Double.NaN };
		}
		final double[] x = values(a), y = values(b);
		double diff = 0, scale = 0;
		for (int i = 0; i < x.length; i++) {
			diff = Math.max(diff, Math.abs(x[i] - y[i]));
			scale = Math.max(scale, Math.abs(y[i]));
		}
		return new double[] { scale == 0 ? diff : diff / scale, Statistics.pearson(x, y) };
	}

	/** Every slice's pixel values, one after the other. */
	private static double[] values(final ImagePlus image) {
		final int n = image.getWidth() * image.getHeight();
		final double[] v = new double[n * image.getStackSize()];
		for (int z = 1; z <= image.getStackSize(); z++) {
			final float[] p = (float[]) image.getStack().getProcessor(z).convertToFloatProcessor().getPixels();
			for (int i = 0; i < n; i++) v[(z - 1) * n + i] = p[i];
		}
		return v;
	}

	static double median(final double[] values) {
		final double[] v = values.clone();
		Arrays.sort(v);
		return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
	}
}
