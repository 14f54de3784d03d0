package io.github.explainij.cli;

import ai.djl.ndarray.types.Shape;

import ij.ImagePlus;
import ij.ImageStack;
import ij.process.ImageProcessor;

import io.github.explainij.ExplainException;
import io.github.explainij.command.ExplainCommands;
import io.github.explainij.command.Options;
import io.github.explainij.image.ImagePlusAdapter;
import io.github.explainij.method.Batching;
import io.github.explainij.model.ModelService;
import io.github.explainij.model.Network;
import io.github.explainij.target.ClassScore;
import io.github.explainij.target.ScoreKind;

import org.scijava.Context;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandService;
import org.scijava.module.Module;
import org.scijava.module.ModuleItem;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code benchmark [--out FILE.md] [--methods a,b] [--sizes 64,512] [--models cells-gap,cells-bn]
 * [--repeats 2] [--param key=value | method.key=value ...]}: times every attribution command (found through
 * {@link ExplainCommands#all}, so it covers any method that is added) on the shipped models, and
 * reports each run as a ratio to the model's own batched throughput for the same work:
 * <pre>
 *   limit = forward_passes * t_forward + backward_passes * t_forward_backward      (per sample, batched)
 *   ratio = command time / limit
 * </pre>
 * The same ratio is also given for the process's CPU time (all threads, libtorch's included), which a
 * machine shared with other work disturbs much less than wall-clock time.
 * {@code forward_passes} and {@code backward_passes} are what the method reports in its result
 * (Info); passes that also run backward count at the forward+backward rate. A method that reports
 * neither gets "n/a". A command's time is the fastest of {@code --repeats} runs (the first also warms
 * up the JIT); the model's per-sample times are the faster of two rounds of back-to-back batched calls. The per-sample times come from the model at the same image size, with the batch
 * size the methods choose by default ({@link Batching#batchSize} under the speed target of
 * {@link io.github.explainij.model.MemoryBudget#SPEED_ACTIVATION_BYTES}). With {@code --anchor PYTHON}, every
 * method also runs as a whole process against its Python anchor ({@link AnchorRuns}: Captum, Zennit, pytorch-grad-cam, ...), and the
 * network's batched forward and forward + backward passes are timed in torch at the same batch beside Explain-IJ's.
 * {@code --sweep} times those passes at batch sizes 1, 2, 4, ... to show where the default batch stands. This is a measurement
 * tool, not a test: nothing is asserted.
 */
final class Benchmark {

	static final String USAGE = "usage: java -jar explain-ij.jar benchmark [--out FILE.md] [--methods a,b] [--sizes 64,512] " +
		"[--models cells-gap,cells-bn,path/to/model.pt] [--repeats 2] [--param key=value | method.key=value ...] [--anchor /usr/bin/python3 [--rounds 3]] " +
		"[--sweep]";

	/** Seconds a throughput measurement runs at least. */
	private static final double MEASURE_SECONDS = 1.0;

	private Benchmark() {}

	/** CPU time of the whole process (all threads, libtorch's included), in seconds; NaN where the JVM does not say. */
	static double processCpuSeconds() {
		final java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
		if (os instanceof com.sun.management.OperatingSystemMXBean) {
			final long ns = ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime();
			if (ns >= 0) return ns * 1e-9;
		}
		return Double.NaN;
	}

	static int run(final Context context, final String[] args, final PrintStream out) {
		Path file = null;
		List<String> methods = null;
		List<Integer> sizes = List.of(64, 512);
		List<String> models = List.of("cells-gap", "cells-bn");
		final Map<String, String> params = new LinkedHashMap<>();
		int repeats = 2, rounds = 3;
		boolean sweep = false;
		String python = null;
		for (int i = 1; i < args.length; i++) {
			if (args[i].equals("--sweep")) {
				sweep = true;
				continue;
			}
			if (i + 1 >= args.length) throw new ExplainException(args[i] + " needs a value\n" + USAGE);
			final String value = args[++i];
			switch (args[i - 1]) {
				case "--out": file = Path.of(value); break;
				case "--methods": methods = List.of(value.split(",")); break;
				case "--models": models = List.of(value.split(",")); break;
				case "--anchor": python = value; break;
				case "--rounds":
					try {
						rounds = Math.max(1, Integer.parseInt(value.trim()));
					}
					catch (final NumberFormatException e) {
						throw new ExplainException("--rounds takes a whole number, not '" + value + "'");
					}
					break;
				case "--repeats":
					try {
						repeats = Math.max(1, Integer.parseInt(value.trim()));
					}
					catch (final NumberFormatException e) {
						throw new ExplainException("--repeats takes a whole number, not '" + value + "'");
					}
					break;
				case "--sizes":
					sizes = new ArrayList<>();
					for (final String s : value.split(",")) {
						try {
							sizes.add(Integer.parseInt(s.trim()));
						}
						catch (final NumberFormatException e) {
							throw new ExplainException("--sizes takes pixel sizes such as 64,512, not '" + value + "'");
						}
					}
					break;
				case "--param": {
					final int eq = value.indexOf('=');
					if (eq <= 0) throw new ExplainException("--param takes key=value or method.key=value, not '" + value + "'");
					params.put(value.substring(0, eq).trim(), value.substring(eq + 1).trim());
					break;
				}
				default: throw new ExplainException("unknown option " + args[i - 1] + "\n" + USAGE);
			}
		}
		final CommandService commandService = context.service(CommandService.class);
		final List<CommandInfo> commands = new ArrayList<>();
		for (final CommandInfo info : ExplainCommands.all(commandService)) {
			if (methods == null || methods.contains(info.getName())) commands.add(info);
		}
		if (commands.isEmpty()) throw new ExplainException("no method matches --methods " + methods + "; 'list' shows the methods");
		if (file != null) { // before any work: the report never replaces the sample or a model
			final Outputs outputs = new Outputs();
			for (final String modelName : models) {
				final Path model = modelPath(modelName);
				outputs.input("sample image", samplePath(model)).input("model", model)
					.input("model's sidecar", io.github.explainij.model.ModelSpec.sidecarOf(model));
			}
			outputs.plan("--out", file, true);
		}
		final ModelService modelService = context.service(ModelService.class);

		final Path script = python == null ? null : Main.repoFolder("src").resolve("site/anchor_captum.py");
		final String anchorSkipped = python == null ? null : AnchorRuns.unavailable(python, script);
		if (anchorSkipped != null) out.println("anchor skipped: " + anchorSkipped);
		final StringBuilder passes = new StringBuilder("\nThe network's batched passes per image, Explain-IJ (in this process) against torch " +
			"(the anchor's passes mode) at the same batch; ratios of wall time (of CPU time):\n\n| model | image | batch | forward, Explain-IJ (ms) " +
			"| forward, torch (ms) | ratio | forward + backward, Explain-IJ (ms) | forward + backward, torch (ms) | ratio |\n" +
			"|---|---|---|---|---|---|---|---|---|\n");
		final StringBuilder sweeps = new StringBuilder(sweep ? "\nPer-image time of the network's batched passes against the batch size " +
			"(default: the batch the methods choose, by the memory budget's activation target):\n\n| model | image | batch | forward (ms) " +
			"| forward + backward (ms) |\n|---|---|---|---|---|\n" : "");
		final StringBuilder md = new StringBuilder();
		md.append("| method | model | image | parameters | forward passes | time (s) | limit (s) | ratio | CPU-time ratio |\n");
		md.append("|---|---|---|---|---|---|---|---|---|\n");
		String device = "?";
		for (final int size : sizes) {
			for (final String modelName : models) {
				final Path model = modelPath(modelName);
				final ImagePlus image = tiled(Main.openImage(samplePath(model).toFile()), size);
				final ModelService.Loaded held = modelService.load(model.toFile(), Options.DEVICE_AUTO);
				final Network net = held.network();
				device = net.device().toString();
				final Throughput t = Throughput.measure(net, image);
				out.println(String.format(Locale.ROOT, "%s %dx%d: forward %.3f ms/sample (CPU %.3f ms), forward+backward %.3f ms/sample (CPU %.3f ms), batch %d",
					Main.baseName(model.toFile()), size, size, t.forward * 1e3, t.forwardCpu * 1e3, t.forwardBackward * 1e3, t.forwardBackwardCpu * 1e3, t.batch));
				if (sweep) sweeps.append(sweep(net, image, Main.baseName(model.toFile()), t.batch, out));
				if (python != null && anchorSkipped == null) {
					final double[] torch = torchPasses(python, script, model, image, t.batch);
					final String row = String.format(Locale.ROOT, "| %s | %dx%d | %d | %.2f | %.2f | %.2f (%.2f) | %.2f | %.2f | %.2f (%.2f) |", Main.baseName(model.toFile()),
						size, size, t.batch, t.forward * 1e3, torch[0] * 1e3, t.forward / torch[0], t.forwardCpu / torch[2], t.forwardBackward * 1e3,
						torch[1] * 1e3, t.forwardBackward / torch[1], t.forwardBackwardCpu / torch[3]);
					out.println("torch: " + row);
					passes.append(row).append('\n');
				}
				for (final CommandInfo info : commands) {
					final Map<String, String> p = paramsFor(info, params);
					final String row = timeCommand(context, info, image, model, p, t, repeats);
					out.println(row);
					md.append(row).append('\n');
				}
				held.close();
			}
		}
		if (python != null) {
			md.append(anchorSkipped != null ? "\nThe anchor comparison was skipped: " + anchorSkipped + ".\n"
				: passes + anchorTable(python, script, models, sizes, commands, rounds, out));
		}
		md.append(sweeps);
		final String report = "Machine: " + machine(device) + "\n\n" + md;
		out.println();
		out.println(report);
		if (file != null) out.println(Outputs.text(List.of(report), file));
		return Main.OK;
	}

	/** Whole processes against the Python anchors (the anchor is optional: the rest of the benchmark runs without it). */
	private static String anchorTable(final String python, final Path script, final List<String> models, final List<Integer> sizes,
		final List<CommandInfo> commands, final int rounds, final PrintStream out)
	{
		final StringBuilder md = new StringBuilder("\nWhole processes against the Python anchors (" + python + ", src/site/anchor_captum.py), " +
			rounds + " rounds each, alternating:\n\n" + AnchorRuns.HEAD);
		final List<String> names = commands.stream().map(CommandInfo::getName).toList();
		try {
			for (final String modelName : models) {
				final Path model = modelPath(modelName);
				final List<ImagePlus> images = new ArrayList<>();
				for (final int size : sizes) images.add(tiled(Main.openImage(samplePath(model).toFile()), size));
				for (final String row : AnchorRuns.run(python, script, model, images, names, rounds, out)) {
					md.append(row).append('\n');
				}
			}
		}
		catch (final IOException e) {
			throw new ExplainException("the anchor comparison failed: " + e.getMessage());
		}
		return md.toString();
	}

	private static double[] torchPasses(final String python, final Path script, final Path model, final ImagePlus image, final int batch) {
		try {
			return AnchorRuns.torchPasses(python, script, model, image, batch);
		}
		catch (final IOException e) {
			throw new ExplainException("the anchor's passes failed: " + e.getMessage());
		}
	}

	/** Rows of per-image pass times at batches 1, 2, 4, ... up to twice the default (and at most 64), the default marked. */
	private static String sweep(final Network net, final ImagePlus image, final String modelName, final int chosen, final PrintStream out) {
		final StringBuilder rows = new StringBuilder();
		for (int batch = 1; batch <= Math.min(Batching.MAX_DEFAULT_BATCH, Math.max(2 * chosen, 8)); batch *= 2) {
			final Throughput t = Throughput.measure(net, image, batch);
			final String row = String.format(Locale.ROOT, "| %s | %dx%d | %s | %.2f | %.2f |", modelName, image.getWidth(), image.getHeight(),
				batch == chosen ? batch + " (default)" : Integer.toString(batch), t.forward * 1e3, t.forwardBackward * 1e3);
			out.println("sweep: " + row);
			rows.append(row).append('\n');
		}
		return rows.toString();
	}

	/** The overrides that apply to this command: key=value where it has the key, method.key=value for it alone. */
	static Map<String, String> paramsFor(final CommandInfo info, final Map<String, String> params) {
		final Map<String, String> p = new LinkedHashMap<>();
		final List<String> keys = ExplainCommands.userInputs(info).stream().map(ModuleItem::getName).toList();
		for (final Map.Entry<String, String> e : params.entrySet()) {
			final String k = e.getKey();
			final int dot = k.indexOf('.');
			if (dot > 0) {
				if (k.substring(0, dot).equals(info.getName())) p.put(k.substring(dot + 1), e.getValue());
			}
			else if (keys.contains(k)) {
				p.put(k, e.getValue());
			}
		}
		return p;
	}

	private static String timeCommand(final Context context, final CommandInfo info, final ImagePlus image, final Path model,
		final Map<String, String> params, final Throughput t, final int repeats)
	{
		final Map<String, String> p = new LinkedHashMap<>(params);
		p.put(Options.SHOW_OVERLAY, "false");
		final String label = String.format(Locale.ROOT, "| %s | %s | %dx%d | %s |", info.getName(), Main.baseName(model.toFile()),
			image.getWidth(), image.getHeight(), params.isEmpty() ? "defaults" : params.toString().replaceAll("[{}]", ""));
		Module module = null;
		double seconds = Double.POSITIVE_INFINITY, cpu = Double.POSITIVE_INFINITY;
		for (int r = 0; r < repeats; r++) {
			final double cpu0 = processCpuSeconds();
			final long start = System.nanoTime();
			try {
				module = new CommandRunner(context).run(info, image.duplicate(), model.toFile(), p);
			}
			catch (final RuntimeException e) {
				return label + " failed: " + String.valueOf(e.getMessage()).replace('|', '/') + " | | | | |";
			}
			seconds = Math.min(seconds, (System.nanoTime() - start) * 1e-9);
			cpu = Math.min(cpu, processCpuSeconds() - cpu0);
			final String why = ExplainCommands.cancelReason(module);
			if (why != null) return label + " failed: " + why.replace('|', '/') + " | | | | |";
		}
		final ImagePlus a = (ImagePlus) module.getOutput(Options.ATTRIBUTION);
		final long forward = number(a.getProp("forward_passes"));
		final long backward = number(a.getProp("backward_passes"));
		if (forward < 0 && backward < 0) {
			return label + String.format(Locale.ROOT, " n/a | %.3f | n/a | n/a | n/a |", seconds);
		}
		final long f = Math.max(0, forward), b = Math.max(0, backward);
		final double limit = Math.max(0, f - b) * t.forward + b * t.forwardBackward;
		final double cpuLimit = Math.max(0, f - b) * t.forwardCpu + b * t.forwardBackwardCpu;
		return label + String.format(Locale.ROOT, " %s | %.4f | %.4f | %.2f | %.2f |", b > 0 ? f + " (" + b + " with backward)" : Long.toString(f),
			seconds, limit, seconds / limit, cpu / cpuLimit);
	}

	private static long number(final String s) {
		if (s == null) return -1;
		try {
			return Long.parseLong(s.trim());
		}
		catch (final NumberFormatException e) {
			return -1;
		}
	}

	/** A shipped model by name (cells-gap), or any model file by its path (ending in .pt). */
	static Path modelPath(final String name) {
		if (name.endsWith(".pt")) {
			final Path p = Path.of(name);
			if (!Files.isRegularFile(p)) throw new ExplainException("--models: no model file " + name);
			return p;
		}
		return Main.repoFolder("models").resolve(name + ".pt");
	}

	/** The sample image for a model: a mitotic cell, or for a model of several channels a two-stain image. */
	static Path samplePath(final Path model) {
		final boolean stains = io.github.explainij.model.ModelSpec.forModel(model).channels() > 1;
		return Main.repoFolder("sample-data").resolve(stains ? "stains/images/cytoplasmic_000.tif" : "cells/images/mitotic_002.tif");
	}

	/**
	 * The sample tiled (mirrored, so there are no seams) to size x size, every channel alike; the sample itself at its
	 * own size.
	 */
	static ImagePlus tiled(final ImagePlus sample, final int size) {
		if (size == sample.getWidth() && size == sample.getHeight()) return sample.duplicate();
		final ImageStack stack = new ImageStack(size, size);
		final int w = sample.getWidth(), h = sample.getHeight();
		for (int z = 1; z <= sample.getStackSize(); z++) {
			final ImageProcessor src = sample.getStack().getProcessor(z);
			final ImageProcessor out = src.createProcessor(size, size);
			for (int y = 0; y < size; y++) {
				final int ty = (y / h) % 2 == 0 ? y % h : h - 1 - y % h;
				for (int x = 0; x < size; x++) {
					final int tx = (x / w) % 2 == 0 ? x % w : w - 1 - x % w;
					out.setf(x, y, src.getf(tx, ty));
				}
			}
			stack.addSlice(sample.getStack().getSliceLabel(z), out);
		}
		final ImagePlus tiled = new ImagePlus(Main.baseName(new java.io.File(sample.getTitle())) + "-" + size, stack);
		tiled.setDimensions(sample.getNChannels(), sample.getNSlices(), sample.getNFrames());
		return sample.isComposite() ? new ij.CompositeImage(tiled, ij.CompositeImage.COMPOSITE) : tiled;
	}

	/** The model's batched throughput on copies of an image. */
	static final class Throughput {

		final int batch;
		final double forward;
		final double forwardBackward;
		final double forwardCpu;
		final double forwardBackwardCpu;

		private Throughput(final int batch, final double[] forward, final double[] forwardBackward) {
			this.batch = batch;
			this.forward = forward[0];
			this.forwardCpu = forward[1];
			this.forwardBackward = forwardBackward[0];
			this.forwardBackwardCpu = forwardBackward[1];
		}

		/** At the batch the methods choose by default. */
		static Throughput measure(final Network net, final ImagePlus image) {
			return measure(net, image, defaultBatch(net, image));
		}

		/** The batch the methods choose by default: the input budget, then the activations' speed target. */
		static int defaultBatch(final Network net, final ImagePlus image) {
			final int c = ImagePlusAdapter.planes(ImagePlusAdapter.currentPlanes(image)).length; // as measure() feeds the network
			final int h = image.getHeight(), w = image.getWidth();
			final var spec = net.spec();
			final long perSample = (long) c * (spec.hasFixedSize() ? Math.max(spec.height(), h) : h) *
				(spec.hasFixedSize() ? Math.max(spec.width(), w) : w);
			return io.github.explainij.model.MemoryBudget.batchSize(new io.github.explainij.model.MemoryBudget.Work(net, c, 1, h, w), 0,
				Batching.MAX_DEFAULT_BATCH, Batching.batchSize(0, perSample, Batching.MAX_DEFAULT_BATCH),
				io.github.explainij.model.MemoryBudget.Pass.FORWARD).batch();
		}

		static Throughput measure(final Network net, final ImagePlus image, final int batch) {
			final var img = ImagePlusAdapter.currentPlanes(image);
			final float[] one = ImagePlusAdapter.toChw(img);
			final float[][] planes = ImagePlusAdapter.planes(img);
			final int c = planes.length;
			final int h = image.getHeight(), w = image.getWidth();
			final float[] raw = new float[batch * one.length];
			for (int b = 0; b < batch; b++) System.arraycopy(one, 0, raw, b * one.length, one.length);
			final var transform = net.transformFor(planes);
			final Shape shape = new Shape(batch, c, h, w);
			final ClassScore target = ClassScore.of(0, ScoreKind.LOGIT);
			// warm up first (libtorch creates its kernels and grows its memory pool on the first calls)
			final Runnable forwardCall = () -> net.logits(raw, shape, transform);
			perSample(forwardCall, batch);
			final double[] forward = perSample(forwardCall, batch);
			perSample(() -> net.scoreGradient(raw, shape, transform, target), batch);
			final double[] fb = perSample(() -> net.scoreGradient(raw, shape, transform, target), batch);
			return new Throughput(batch, forward, fb);
		}

		/**
		 * Per-sample time of back-to-back batched calls, as a method makes them: the faster of two rounds
		 * of at least {@link #MEASURE_SECONDS} / 2 each (and at least 2 calls), after a warm-up, like a command's best of
		 * its repeats.
		 */
		private static double[] perSample(final Runnable call, final int batch) {
			double best = Double.POSITIVE_INFINITY, bestCpu = Double.POSITIVE_INFINITY;
			for (int round = 0; round < 2; round++) {
				int calls = 0;
				final double cpu0 = processCpuSeconds();
				final long start = System.nanoTime();
				double elapsed;
				do {
					call.run();
					calls++;
					elapsed = (System.nanoTime() - start) * 1e-9;
				}
				while (elapsed < MEASURE_SECONDS / 2 || calls < 2);
				best = Math.min(best, elapsed / ((double) calls * batch));
				bestCpu = Math.min(bestCpu, (processCpuSeconds() - cpu0) / ((double) calls * batch));
			}
			return new double[] { best, bestCpu };
		}
	}

	static String machine(final String device) {
		String cpu = "unknown CPU";
		try {
			for (final String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
				if (line.startsWith("model name")) {
					cpu = line.substring(line.indexOf(':') + 1).trim();
					break;
				}
			}
		}
		catch (final IOException | RuntimeException e) {
			// not Linux: keep "unknown CPU"
		}
		return String.format(Locale.ROOT, "%d cores (available to the JVM), %s, Java %s (%s), device %s, %s",
			Runtime.getRuntime().availableProcessors(), cpu, System.getProperty("java.version"), System.getProperty("java.vm.name"),
			device, System.getProperty("os.name") + " " + System.getProperty("os.arch"));
	}
}
