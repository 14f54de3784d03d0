package io.github.explainij.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

import io.github.explainij.ExplainException;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.WeakHashMap;

/**
 * How much memory a run may take, and how much it will take. Every run is estimated before the model
 * sees the image: the image and its copies (Java arrays and tensors), the batch, and the network's
 * activations at that size, measured once per model and size by a small probe (one forward pass with
 * autograd at a reduced size, scaled up by the pixel count). Batch sizes are chosen under the budget,
 * a user's {@code batch_size} above it is capped (and the result says so), and a run that cannot fit
 * even one image per pass is refused with the estimate, the budget and what to do, before anything
 * large is allocated, so the system never has to kill the process.
 * <p>
 * The budget is {@link #DEFAULT_SHARE} of the memory available now (Linux: {@code MemAvailable}, within a
 * container's limit), or what the system property {@value #PROPERTY} or the environment variable
 * {@value #ENVIRONMENT} says: bytes with a unit ({@code 6G}, {@code 512M}) or a share of the available
 * memory ({@code 70%}). The command line's {@code --memory} sets the property for one run.
 */
public final class MemoryBudget {

	/** System property holding the budget ({@code 6G}, {@code 512M}, {@code 70%}). */
	public static final String PROPERTY = "explainij.memory";

	/** Environment variable read when the property is not set (the same forms). */
	public static final String ENVIRONMENT = "EXPLAINIJ_MEMORY";

	/** Share of the available memory a run may take by default. */
	public static final double DEFAULT_SHARE = 0.5;

	/** Pixels per plane of the probe when the image is larger (the probe keeps the image's aspect). */
	static final int PROBE_PIXELS = 128 * 128;

	/**
	 * Activation bytes per byte of network input assumed where nothing can be measured (no glibc and no
	 * stages): generous, as a conv net's stages hold tens of channels at the input's resolution.
	 */
	static final int FALLBACK_ACTIVATIONS_PER_INPUT_BYTE = 128;

	/** Largest Java float array. */
	private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

	/** Measured activation bytes of one sample, by network and network-input shape. */
	private static final Map<Network, Map<String, Long>> PROBED = new WeakHashMap<>();

	private MemoryBudget() {}

	/** Forward passes only (perturbation), or forward and backward (gradients). */
	public enum Pass {
		FORWARD, GRADIENT
	}

	/** The memory a run will take. */
	public static final class Estimate {

		private final long javaBytes;
		private final long nativeBytes;
		private final long activationBytes;
		private final int batch;

		Estimate(final long javaBytes, final long nativeBytes, final long activationBytes, final int batch) {
			this.javaBytes = javaBytes;
			this.nativeBytes = nativeBytes;
			this.activationBytes = activationBytes;
			this.batch = batch;
		}

		/** Java arrays (the image, the batch, the maps). */
		public long javaBytes() { return javaBytes; }

		/** Tensors (inputs, gradients and the network's activations). */
		public long nativeBytes() { return nativeBytes; }

		/** The network's activations for the whole batch (part of {@link #nativeBytes()}). */
		public long activationBytes() { return activationBytes; }

		public int batch() { return batch; }

		public long total() { return javaBytes + nativeBytes; }
	}

	/** A batch size and, when the user's was lowered, why. */
	public static final class BatchChoice {

		private final int batch;
		private final String note;

		BatchChoice(final int batch, final String note) {
			this.batch = batch;
			this.note = note;
		}

		public int batch() { return batch; }

		/** Why the user's batch_size was lowered, or null when it was not. */
		public String note() { return note; }
	}

	/** What is run: the network, and the raw image's and the network input's dimensions. */
	public static final class Work {

		final Network network;
		final int channels, depth, height, width;
		final int inHeight, inWidth;

		/**
		 * @param depth Z slices of a volume, 1 for an image
		 */
		public Work(final Network network, final int channels, final int depth, final int height, final int width) {
			this.network = network;
			this.channels = channels;
			this.depth = depth;
			this.height = height;
			this.width = width;
			final ModelSpec spec = network.spec();
			final boolean resized = spec.hasFixedSize() && !spec.isVolumetric();
			this.inHeight = resized ? spec.height() : height;
			this.inWidth = resized ? spec.width() : width;
		}

		/** Values of one raw sample. */
		long rawValues() { return (long) channels * depth * height * width; }

		/** Values of one sample at the network's input. */
		long inputValues() { return (long) channels * depth * inHeight * inWidth; }

		String size() { return (depth > 1 ? depth + "x" : "") + width + "x" + height; }
	}

	// ---- the budget ----

	/** The budget in bytes now: the setting, or {@link #DEFAULT_SHARE} of the available memory. */
	public static long bytes() {
		final String setting = setting();
		if (setting == null) return (long) (DEFAULT_SHARE * availableBytes());
		return parse(setting, where());
	}

	private static String setting() {
		final String p = System.getProperty(PROPERTY);
		if (p != null && !p.isBlank()) return p.trim();
		final String e = System.getenv(ENVIRONMENT);
		return e == null || e.isBlank() ? null : e.trim();
	}

	private static String where() {
		final String p = System.getProperty(PROPERTY);
		return p != null && !p.isBlank() ? "the memory setting (" + PROPERTY + "=" + p.trim() + ")"
			: "the memory setting (" + ENVIRONMENT + "=" + System.getenv(ENVIRONMENT) + ")";
	}

	/** How the budget came about, for messages. */
	public static String describeBudget() {
		final long budget = bytes();
		if (setting() == null) {
			return format(budget) + " (half of the " + format(availableBytes()) + " of memory available now)";
		}
		final String s = setting();
		return format(budget) + (s.endsWith("%") ? " (" + s + " of the " + format(availableBytes()) + " available now)" : "") + ", set by " + where();
	}

	/**
	 * Parses a budget: bytes with an optional unit K, M, G, T (powers of 1024, {@code 6G}, {@code 1.5g},
	 * {@code 512MB}), or a share of the available memory ({@code 70%}).
	 *
	 * @param where what is parsed, for the message (e.g. {@code --memory})
	 */
	public static long parse(final String text, final String where) {
		final String t = text == null ? "" : text.trim().toUpperCase(Locale.ROOT).replaceAll("I?B$", "");
		try {
			if (t.endsWith("%")) {
				final double share = Double.parseDouble(t.substring(0, t.length() - 1).trim()) / 100;
				if (share > 0 && share <= 1) return (long) (share * availableBytes());
			}
			else if (!t.isEmpty()) {
				final char unit = t.charAt(t.length() - 1);
				final int shift = unit == 'K' ? 10 : unit == 'M' ? 20 : unit == 'G' ? 30 : unit == 'T' ? 40 : 0;
				final double value = Double.parseDouble(shift == 0 ? t : t.substring(0, t.length() - 1).trim());
				final double bytes = value * (1L << shift);
				if (value > 0 && bytes < Long.MAX_VALUE) return (long) bytes;
			}
		}
		catch (final NumberFormatException e) {
			// below
		}
		throw new ExplainException(where + " must be a memory size such as 6G or 512M, or a share of the available memory " +
			"such as 70%, not '" + text + "'");
	}

	/**
	 * Memory available to this process now: Linux's {@code MemAvailable} (free memory and caches it can
	 * reclaim), within a cgroup's limit; elsewhere the JVM's view of free physical memory.
	 */
	public static long availableBytes() {
		long available = meminfoAvailable();
		if (available < 0) {
			final java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
			available = os instanceof com.sun.management.OperatingSystemMXBean
				? ((com.sun.management.OperatingSystemMXBean) os).getFreeMemorySize() : Runtime.getRuntime().maxMemory();
		}
		final long cgroup = cgroupHeadroom();
		return cgroup >= 0 ? Math.min(available, cgroup) : available;
	}

	private static long meminfoAvailable() {
		return procBytes(Path.of("/proc/meminfo"), "MemAvailable");
	}

	/**
	 * A {@code key: N kB} line of a /proc file ({@code /proc/meminfo}, {@code /proc/PID/status}) in bytes, or -1
	 * where it cannot be read (not Linux, no such line, or a process that has ended).
	 */
	public static long procBytes(final Path file, final String key) {
		try {
			for (final String line : Files.readAllLines(file)) {
				if (line.startsWith(key + ":")) return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
			}
		}
		catch (final IOException | RuntimeException e) {
			// not Linux, or the file is gone
		}
		return -1;
	}

	/** A cgroup's limit minus its usage (v2, then v1), or -1 when there is no limit. */
	private static long cgroupHeadroom() {
		final long v2 = headroom(Path.of("/sys/fs/cgroup/memory.max"), Path.of("/sys/fs/cgroup/memory.current"));
		return v2 >= 0 ? v2 : headroom(Path.of("/sys/fs/cgroup/memory/memory.limit_in_bytes"),
			Path.of("/sys/fs/cgroup/memory/memory.usage_in_bytes"));
	}

	private static long headroom(final Path limitFile, final Path usageFile) {
		try {
			final String limit = Files.readString(limitFile).trim();
			if (limit.equals("max")) return -1;
			final long l = Long.parseLong(limit);
			if (l >= Long.MAX_VALUE / 2) return -1; // v1's "no limit"
			return Math.max(0, l - Long.parseLong(Files.readString(usageFile).trim()));
		}
		catch (final IOException | RuntimeException e) {
			return -1;
		}
	}

	/** Java heap the run can still take: the maximum minus what is in use. */
	static long javaHeadroom() {
		final Runtime r = Runtime.getRuntime();
		return r.maxMemory() - (r.totalMemory() - r.freeMemory());
	}

	// ---- the estimate ----

	/**
	 * The memory of a run that passes {@code batch} samples at a time.
	 * <p>
	 * Per sample: Java holds the batch's raw values (and, for gradients, the gradient read back);
	 * libtorch holds the raw tensor and its normalized copy, the network input (resized when the model
	 * has a fixed size) and the activations (for gradients: the raw tensor's gradient, the resized
	 * input's, and the backward pass's gradients as large as the activations). Fixed: the image and the
	 * maps built from it, four raw copies in Java.
	 */
	public static Estimate estimate(final Work work, final int batch, final Pass pass) {
		final long raw = work.rawValues() * Float.BYTES;
		final long in = work.inputValues() * Float.BYTES;
		final long act = activationBytes(work);
		final boolean grad = pass == Pass.GRADIENT;
		final long javaPerSample = grad ? 2 * raw : raw;
		final long activations = grad ? act * 3 / 2 : act;
		final long nativePerSample = (grad ? 3 * raw + 2 * in : 2 * raw + in) + activations;
		return new Estimate(4 * raw + batch * javaPerSample, batch * nativePerSample, batch * activations, batch);
	}

	/**
	 * Refuses a run that cannot fit one sample per pass.
	 *
	 * @throws ExplainException with the estimate, the budget and what to do
	 */
	public static void requireOnePass(final Work work, final Pass pass) {
		check(work, estimate(work, 1, pass), bytes());
	}

	private static void check(final Work work, final Estimate e, final long budget) {
		if (work.rawValues() > MAX_ARRAY) {
			throw new ExplainException("the image has " + work.rawValues() + " values (" + work.channels + " channel(s) of " + work.size() +
				"), more than one array holds (2^31): explain a smaller image, a crop or a region");
		}
		if (e.total() > budget) {
			throw new ExplainException("this run needs about " + format(e.total()) + " of memory (" + format(e.activationBytes()) +
				" of them for the activations of " + work.network.spec().name() + " on one " + work.size() + " image, measured with a " +
				"small probe), but the memory budget is " + describeBudget() + ". Explain a smaller image (Image > Scale) or a crop " +
				"(with a classifier, region=selection or a label image explains each object as a crop), or free memory and raise the " +
				"budget (-D" + PROPERTY + "=12G or the environment variable " + ENVIRONMENT + "=12G for Fiji, --memory 12G on the command line)");
		}
		long headroom = javaHeadroom();
		if (e.javaBytes() > headroom) {
			System.gc(); // garbage counts as used until it is collected
			headroom = javaHeadroom();
		}
		if (e.javaBytes() > headroom) {
			throw new ExplainException("this run needs about " + format(e.javaBytes()) + " of Java memory for the " + work.size() +
				" image and its maps, but only " + format(headroom) + " of the Java heap is free (maximum " +
				format(Runtime.getRuntime().maxMemory()) + "). Raise the maximum (Edit > Options > Memory & Threads in ImageJ, " +
				"-Xmx on the command line), close other images, or explain a smaller image or a region");
		}
	}

	/**
	 * The batch size for {@code total} samples: the user's ({@code requested} > 0) capped to what fits,
	 * or the largest under the budget, {@code automaticLimit} and {@code total}.
	 *
	 * @throws ExplainException when not even one sample fits
	 */
	public static BatchChoice batchSize(final Work work, final int requested, final int total, final int automaticLimit, final Pass pass) {
		final long budget = bytes();
		check(work, estimate(work, 1, pass), budget);
		final Estimate one = estimate(work, 1, pass), two = estimate(work, 2, pass);
		final long perSample = Math.max(1, two.total() - one.total());
		final long fixed = one.total() - perSample;
		final long fitsBudget = Math.max(1, (budget - fixed) / perSample);
		final long fitsArray = Math.max(1, MAX_ARRAY / Math.max(1, work.rawValues()));
		final long fits = Math.min(fitsBudget, fitsArray);
		final int want = Math.max(1, total);
		if (requested <= 0) {
			final int fast = speedLimit(work, pass);
			return new BatchChoice((int) Math.max(1, Math.min(Math.min(fits, Math.min(automaticLimit, fast)), want)), null);
		}
		final int asked = Math.min(requested, want);
		if (asked <= fits) return new BatchChoice(asked, null);
		final String why = fitsBudget <= fitsArray
			? "the memory budget of " + format(budget) + " holds " + fits + " " + work.size() + " image(s) per pass"
			: "a Java array holds " + fits + " " + work.size() + " image(s)";
		return new BatchChoice((int) fits, "batch_size " + requested + " capped to " + fits + ": " + why);
	}

	/**
	 * Activation bytes per batch that the automatic choice aims at. Larger batches do not run faster on a
	 * CPU: every batch's activations are fresh memory, and faulting it in costs more than the batching
	 * saves. Measured (issue 12, 2 cores, occlusion 16/8 on cells-gap): batches of about this size took
	 * 256x256 from 6.4 to 4.4 s and 512x512 from 123.5 to 66.2 s, and peak memory from 5.8 to 2.7 GB,
	 * against the earlier 64 MiB input budget (batch 64).
	 */
	public static final long SPEED_ACTIVATION_BYTES = 64L << 20;

	/** The batch size the speed target allows: {@link #SPEED_ACTIVATION_BYTES} of activations per batch, at least 1. */
	static int speedLimit(final Work work, final Pass pass) {
		final long perSample = Math.max(1, pass == Pass.GRADIENT ? activationBytes(work) * 3 / 2 : activationBytes(work));
		return (int) Math.max(1, Math.min(Integer.MAX_VALUE, SPEED_ACTIVATION_BYTES / perSample));
	}

	// ---- the probe ----

	/**
	 * Bytes the network's activations take for one sample at the network input's size: measured once per
	 * network and size (at a reduced size for large images, then scaled by the pixel count).
	 */
	static long activationBytes(final Work work) {
		final int h = work.inHeight, w = work.inWidth;
		int ph = h, pw = w;
		if ((long) h * w > PROBE_PIXELS) {
			final double f = Math.sqrt((double) h * w / PROBE_PIXELS);
			ph = Math.max(16, (int) Math.round(h / f / 16) * 16);
			pw = Math.max(16, (int) Math.round(w / f / 16) * 16);
		}
		final long probed = probed(work, ph, pw);
		return (long) Math.ceil(probed * ((double) h * w) / ((double) ph * pw));
	}

	private static long probed(final Work work, final int ph, final int pw) {
		final Shape shape = work.depth > 1 || work.network.spec().isVolumetric()
			? new Shape(1, work.channels, work.depth, ph, pw) : new Shape(1, work.channels, ph, pw);
		final String key = shape.toString();
		synchronized (PROBED) {
			final Long known = PROBED.computeIfAbsent(work.network, n -> new HashMap<>()).get(key);
			if (known != null) return known;
		}
		long bytes = measure(work.network, shape);
		if (bytes < 0) bytes = FALLBACK_ACTIVATIONS_PER_INPUT_BYTE * shape.size() * Float.BYTES;
		synchronized (PROBED) {
			PROBED.computeIfAbsent(work.network, n -> new HashMap<>()).put(key, bytes);
		}
		return bytes;
	}

	/**
	 * The native bytes a forward pass with autograd keeps for its backward pass: the growth of the C heap
	 * across the pass, and never less than the sum of the stages' outputs (which the pass must keep; the C
	 * heap's growth can read low when other threads free memory meanwhile, or memory freed earlier is
	 * reused). Without the C heap's figure, the stages' sum alone; -1 when neither can be had (the model
	 * refuses the probe's size, or has no stages).
	 */
	static long measure(final Network net, final Shape shape) {
		final float[] values = new float[(int) shape.size()];
		final Random random = new Random(0);
		for (int i = 0; i < values.length; i++) values[i] = (float) random.nextGaussian();
		long measured = -1;
		try {
			if (NativeMemory.inUse() >= 0) {
				// the first pass of a TorchScript module also allocates its optimized graph: take the larger of the later ones
				for (int pass = 0; pass < 3; pass++) {
					final long bytes = net.autograd((scope, collector) -> {
						final NDArray x = scope.create(values, shape);
						x.setRequiresGradient(true);
						final long before = NativeMemory.inUse();
						net.forward(x, true);
						return Math.max(0, NativeMemory.inUse() - before);
					});
					if (pass > 0) measured = Math.max(measured, bytes);
				}
			}
		}
		catch (final RuntimeException e) {
			return -1; // the model does not take the probe's size (or fails on it): assume the fallback; the run itself will tell
		}
		return Math.max(measured, stageOutputs(net, shape, values));
	}

	/** The sum of the stages' output bytes for one input, or -1 for a model without stages (or one that fails on it). */
	private static long stageOutputs(final Network net, final Shape shape, final float[] values) {
		if (!net.hasStages()) return -1;
		try (ai.djl.ndarray.NDManager scope = net.manager().newSubManager()) {
			NDArray a = scope.create(values, shape);
			long sum = 0;
			for (int s = 0; s < net.layerNames().size(); s++) {
				a = net.forwardLayers(a, s, s + 1, false);
				sum += a.getShape().size() * Float.BYTES;
			}
			return sum;
		}
		catch (final RuntimeException e) {
			return -1;
		}
	}

	/** Bytes in a unit a person reads: "512 MB", "3.2 GB". */
	public static String format(final long bytes) {
		if (bytes >= 1L << 30) return String.format(Locale.ROOT, "%.1f GB", bytes / (double) (1L << 30));
		if (bytes >= 1L << 20) return String.format(Locale.ROOT, "%d MB", Math.round(bytes / (double) (1L << 20)));
		return String.format(Locale.ROOT, "%d KB", Math.max(1, Math.round(bytes / 1024.0)));
	}
}
