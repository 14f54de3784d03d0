package io.github.explainij.model;

import ai.djl.Device;
import ai.djl.engine.Engine;

import io.github.explainij.ExplainException;

/**
 * Loads DJL's PyTorch engine once, offline, and chooses devices. DJL never downloads anything here:
 * the CPU libtorch comes from the pytorch-native-cpu jar; a GPU build comes from a local PyTorch
 * 2.7.1 CUDA installation named by {@code PYTORCH_LIBRARY_PATH}.
 */
public final class Engines {

	public static final String AUTO = "auto";
	public static final String CPU = "cpu";
	public static final String GPU = "gpu";

	private static volatile Engine engine;

	private Engines() {}

	/** The PyTorch engine, loaded on first use. */
	public static Engine pytorch() {
		Engine e = engine;
		if (e != null) return e;
		synchronized (Engines.class) {
			if (engine == null) {
				if (System.getProperty("ai.djl.offline") == null) System.setProperty("ai.djl.offline", "true");
				// TorchScript's profiling executor re-optimizes a module on its first calls; the stages of image
				// networks gain nothing from its fusions on a CPU, and a single-pass run paid ~0.2 s for it
				if (System.getProperty(GRAPH_OPTIMIZER) == null) System.setProperty(GRAPH_OPTIMIZER, "false");
				hugePages();
				try {
					engine = Engine.getEngine("PyTorch");
				}
				catch (final RuntimeException | LinkageError ex) {
					throw new ExplainException("the PyTorch engine could not start: " + Network.oneLine(ex.getMessage()) +
						". Put pytorch-engine, pytorch-jni and pytorch-native-cpu (linux-x86_64) jars in Fiji.app/jars, " +
						"or set PYTORCH_LIBRARY_PATH to the lib folder of a PyTorch 2.7.1 installation.", ex);
				}
			}
			return engine;
		}
	}

	/**
	 * Starts loading the engine on a background thread, so that loading libtorch (about 0.4 s) overlaps with
	 * what a process does before it needs the engine (its SciJava context, reading the image). Whoever then
	 * calls {@link #pytorch()} waits for it, and gets its failure, if any, as usual.
	 */
	public static void preload() {
		if (engine != null) return;
		final Thread t = new Thread(() -> {
			try {
				pytorch();
			}
			catch (final RuntimeException e) {
				// the caller's own pytorch() call fails the same way and reports it
			}
		}, "explain-ij engine preload");
		t.setDaemon(true);
		t.start();
	}

	/** DJL's switch for TorchScript's graph optimizer; Explain-IJ turns it off unless it is set. */
	static final String GRAPH_OPTIMIZER = "ai.djl.pytorch.graph_optimizer";

	/** Set to false ({@code -Dexplainij.hugepages=false}) to leave libtorch's allocator as it is. */
	public static final String HUGE_PAGES_PROPERTY = "explainij.hugepages";

	/**
	 * Asks libtorch to place its large CPU allocations (activations, over 2 MB) on transparent huge pages,
	 * through {@code THP_MEM_ALLOC_ENABLE=1}, which libtorch reads from the process environment when it
	 * first allocates; Java cannot change its own environment, so it is set with the C library's
	 * {@code setenv} (through JNA, which DJL already brings) before the engine loads. A value the user set
	 * is kept. Fresh activation memory is what both Explain-IJ and PyTorch spend much of their time faulting
	 * in (issue 12); with huge pages a fault brings 2 MB instead of 4 KB. Nothing changes where the kernel's
	 * transparent huge pages are "never", and the numbers are the same either way.
	 *
	 * @return whether the variable is set for libtorch now
	 */
	static boolean hugePages() {
		if ("false".equalsIgnoreCase(System.getProperty(HUGE_PAGES_PROPERTY))) return false;
		if (System.getenv("THP_MEM_ALLOC_ENABLE") != null) return true;
		try {
			return CLibrary.INSTANCE.setenv("THP_MEM_ALLOC_ENABLE", "1", 0) == 0;
		}
		catch (final LinkageError | RuntimeException e) {
			return false; // no C library to call (not Linux / macOS): libtorch's default allocator
		}
	}

	/** The C library's setenv. */
	private interface CLibrary extends com.sun.jna.Library {

		CLibrary INSTANCE = com.sun.jna.Native.load("c", CLibrary.class);

		int setenv(String name, String value, int overwrite);

		String getenv(String name);
	}

	/** A variable of this process's environment as the C library sees it now (Java's System.getenv is a copy made at start). */
	static String nativeEnvironment(final String name) {
		return CLibrary.INSTANCE.getenv(name);
	}

	/** A device choice and what became of it. */
	public static final class Choice {

		private final Device device;
		private final String note;

		Choice(final Device device, final String note) {
			this.device = device;
			this.note = note;
		}

		public Device device() { return device; }

		/** Why the device differs from the request, or null. */
		public String note() { return note; }
	}

	/**
	 * Resolves {@code auto | cpu | gpu}. A GPU request on a machine without a CUDA engine falls back to
	 * the CPU and says so in {@link Choice#note()}.
	 */
	public static Choice choose(final String request) {
		final String r = request == null ? AUTO : request.trim().toLowerCase();
		if (!r.equals(AUTO) && !r.equals(CPU) && !r.equals(GPU)) {
			throw new ExplainException("device must be auto, cpu or gpu, not '" + request + "'");
		}
		if (r.equals(CPU)) return new Choice(Device.cpu(), null);
		final int gpus = pytorch().getGpuCount();
		if (gpus > 0) return new Choice(Device.gpu(0), null);
		if (r.equals(GPU)) {
			return new Choice(Device.cpu(), "GPU requested but the PyTorch engine sees no CUDA device (the CPU build of " +
				"libtorch is loaded; set PYTORCH_LIBRARY_PATH to a PyTorch 2.7.1 CUDA lib folder); using the CPU");
		}
		return new Choice(Device.cpu(), null);
	}
}
