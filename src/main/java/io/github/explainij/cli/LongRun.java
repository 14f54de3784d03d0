package io.github.explainij.cli;

import ij.ImagePlus;

import io.github.explainij.ExplainException;
import io.github.explainij.command.ExplainCommands;
import io.github.explainij.command.Options;
import io.github.explainij.model.NativeMemory;

import org.scijava.Context;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandService;
import org.scijava.module.Module;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code long-run [--runs 2000] [--warmup 500] [--methods saliency,grad-cam,occlusion,lrp,score-cam]
 * [--model cells-gap] [--size 64]}: explains thousands of times in this one JVM, as Fiji does over a day
 * of work. Every method first runs {@code --warmup} times (so the JIT, libtorch's pools and the
 * allocator's arenas settle), then each runs {@code --runs} more times. It reports the process's
 * resident memory (Linux {@code /proc/self/status} VmRSS) at the start, after the warm-up and at the
 * end, and for each method the growth per measured run, of the resident size and of the C heap in use
 * (glibc's count of allocated bytes: growth there is memory kept; growth of the resident size alone is
 * the allocator's fragmentation). Each run goes through the command (model from the cache, result
 * image built and dropped) on a fresh copy of a sample image. This is a measurement, not a test:
 * nothing is asserted. Run it with a fixed, pre-touched heap ({@code -Xms768m -Xmx768m
 * -XX:+AlwaysPreTouch}) so that the Java heap's own growth does not count.
 */
final class LongRun {

	static final String USAGE = "usage: java -jar explain-ij.jar long-run [--runs 2000] [--warmup 500] " +
		"[--methods saliency,grad-cam,occlusion,lrp,score-cam] [--model cells-gap] [--size 64]";

	private LongRun() {}

	static int run(final Context context, final String[] args, final PrintStream out) {
		int runs = 2000, warmup = 500, size = 64;
		List<String> methods = List.of("saliency", "grad-cam", "occlusion", "lrp", "score-cam");
		String modelName = "cells-gap";
		for (int i = 1; i < args.length; i++) {
			if (i + 1 >= args.length) throw new ExplainException(args[i] + " needs a value\n" + USAGE);
			final String value = args[++i];
			switch (args[i - 1]) {
				case "--runs": runs = positive("--runs", value); break;
				case "--warmup": warmup = positive("--warmup", value); break;
				case "--size": size = positive("--size", value); break;
				case "--methods": methods = List.of(value.split(",")); break;
				case "--model": modelName = value; break;
				default: throw new ExplainException("unknown option " + args[i - 1] + "\n" + USAGE);
			}
		}
		if (residentKb() < 0) throw new ExplainException("long-run reads resident memory from /proc/self/status, which only Linux has");
		final CommandService commandService = context.service(CommandService.class);
		final List<CommandInfo> commands = new ArrayList<>();
		for (final String m : methods) {
			final CommandInfo info = ExplainCommands.all(commandService).stream().filter(c -> c.getName().equals(m)).findFirst()
				.orElseThrow(() -> new ExplainException("unknown method '" + m + "' in --methods; 'list' shows the methods"));
			commands.add(info);
		}
		final Path model = Path.of(modelName).toFile().isFile() ? Path.of(modelName) : Main.repoFolder("models").resolve(modelName + ".pt");
		if (!Files.isRegularFile(model)) throw new ExplainException("--model " + modelName + ": no such model (give a .pt file or a shipped model's name)");
		final ImagePlus sample = Benchmark.tiled(Main.openImage(Main.repoFolder("sample-data").resolve("cells/images/mitotic_002.tif").toFile()), size);
		final String arenas = System.getenv("MALLOC_ARENA_MAX");
		out.println(String.format(Locale.ROOT, "long-run: %d warm-up runs of every method, then %d measured runs of each; model %s, " +
			"image %dx%d, MALLOC_ARENA_MAX=%s, Java heap max %d MB, %s", warmup, runs, Main.baseName(model.toFile()), size, size,
			arenas == null ? "unset" : arenas, Runtime.getRuntime().maxMemory() >> 20, Benchmark.machine("cpu")));
		final long start = residentKb();
		// warm-up: every method first, so that the JIT, libtorch's pools and the allocator's arenas settle
		for (final CommandInfo info : commands) {
			for (int r = 0; r < warmup; r++) once(context, info, sample, model, r);
		}
		final long afterWarmup = residentKb();
		final StringBuilder md = new StringBuilder();
		md.append(String.format(Locale.ROOT, "RSS at the start %.1f MB, after warm-up %.1f MB%n%n", start / 1024.0, afterWarmup / 1024.0));
		md.append("| method | measured runs | RSS before (MB) | RSS after (MB) | growth (KB/run) | C heap in use, growth (KB/run) | " +
			"direct buffers after (MB) | s/run |\n");
		md.append("|---|---|---|---|---|---|---|---|\n");
		for (final CommandInfo info : commands) {
			final long before = residentKb(), heapBefore = NativeMemory.inUse();
			final long t0 = System.nanoTime();
			for (int r = 0; r < runs; r++) once(context, info, sample, model, r);
			final double seconds = (System.nanoTime() - t0) * 1e-9 / runs;
			final long after = residentKb(), heapAfter = NativeMemory.inUse();
			final String row = String.format(Locale.ROOT, "| %s | %d | %.1f | %.1f | %.2f | %s | %.1f | %.4f |", info.getName(), runs,
				before / 1024.0, after / 1024.0, (after - before) / (double) runs,
				heapAfter < 0 ? "n/a" : String.format(Locale.ROOT, "%.2f", (heapAfter - heapBefore) / 1024.0 / runs), directBytes() / 1048576.0,
				seconds);
			out.println(row);
			md.append(row).append('\n');
		}
		final long end = residentKb();
		md.append(String.format(Locale.ROOT, "%nRSS at the end %.1f MB: %.2f KB per measured run after warm-up%n", end / 1024.0,
			(end - afterWarmup) / (double) (runs * commands.size())));
		out.println();
		out.print(md);
		return Main.OK;
	}

	private static void once(final Context context, final CommandInfo info, final ImagePlus sample, final Path model, final int run) {
		final Module module = new CommandRunner(context).run(info, sample.duplicate(), model.toFile(), Map.of(Options.SHOW_OVERLAY, "false"));
		final String why = ExplainCommands.cancelReason(module);
		if (why != null) throw new ExplainException(info.getName() + " failed on run " + (run + 1) + ": " + why);
	}

	private static int positive(final String option, final String value) {
		try {
			final int n = Integer.parseInt(value.trim());
			if (n > 0) return n;
		}
		catch (final NumberFormatException e) {
			// below
		}
		throw new ExplainException(option + " takes a positive whole number, not '" + value + "'");
	}

	/**
	 * Bytes of the JVM's direct buffers (DJL copies Java arrays into them on their way to libtorch); they
	 * are C heap memory freed only when the garbage collector finds their buffer objects unreachable.
	 */
	static long directBytes() {
		for (final java.lang.management.BufferPoolMXBean pool : java.lang.management.ManagementFactory.getPlatformMXBeans(
			java.lang.management.BufferPoolMXBean.class))
		{
			if (pool.getName().equals("direct")) return pool.getMemoryUsed();
		}
		return -1;
	}

	/**
	 * The process's resident memory in KB (VmRSS) after a garbage collection (so that garbage Java
	 * objects and the direct buffers they hold do not count), or -1 where /proc/self/status does not exist.
	 */
	static long residentKb() {
		System.gc();
		try {
			Thread.sleep(200); // direct buffers are freed by their cleaners just after the collection
		}
		catch (final InterruptedException e) {
			Thread.currentThread().interrupt();
		}
		try {
			for (final String line : Files.readAllLines(Path.of("/proc/self/status"))) {
				if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
			}
		}
		catch (final IOException | RuntimeException e) {
			// not Linux
		}
		return -1;
	}
}
