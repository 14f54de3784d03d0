package io.github.explainij.model;

import io.github.explainij.ExplainException;

import org.scijava.plugin.Plugin;
import org.scijava.service.AbstractService;
import org.scijava.service.SciJavaService;
import org.scijava.service.Service;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Owns the native engine: loads DJL's PyTorch lazily (on the first model), caches loaded models, and
 * releases them when the context is disposed. The cache hands out references ({@link Loaded}, closed by
 * the caller when its run ends): a network is closed only when no running command holds it. A changed
 * model or sidecar file loads as a new entry; the older version leaves the cache at once and is closed
 * when its last holder lets go, so a long run keeps its network while the same path is reloaded.
 */
@Plugin(type = Service.class)
public class ModelService extends AbstractService implements SciJavaService {

	/** Cached networks by file, file and sidecar stamps, and device. */
	private final Map<String, Entry> cache = new LinkedHashMap<>();

	/** A network and how many {@link Loaded} references hold it. */
	private static final class Entry {

		final Network network;
		int holders;
		/** Out of the cache (a newer file, or disposal): closed when the last holder lets go. */
		boolean retired;

		Entry(final Network network) {
			this.network = network;
		}
	}

	/**
	 * A loaded network held for one run, and what the device choice came to. Close it when the run ends
	 * (try-with-resources); the network stays usable until then, whatever happens to the cache.
	 */
	public final class Loaded implements AutoCloseable {

		private final Entry entry;
		private final String deviceNote;
		private boolean released;

		Loaded(final Entry entry, final String deviceNote) {
			this.entry = entry;
			this.deviceNote = deviceNote;
		}

		public Network network() { return entry.network; }

		/** Why the device differs from the request, or null. */
		public String deviceNote() { return deviceNote; }

		/** Lets go of the network (once; later calls do nothing). */
		@Override
		public void close() {
			release(this);
		}
	}

	/**
	 * The network in {@code file} on the requested device ({@code auto | cpu | gpu}), held until the
	 * returned reference is closed.
	 *
	 * @throws ExplainException with a message for the user when the model cannot be used
	 */
	public synchronized Loaded load(final File file, final String device) {
		if (file == null) throw new ExplainException("no model file given: choose a TorchScript file (.pt)");
		final Path path = file.toPath().toAbsolutePath().normalize();
		if (!Files.isRegularFile(path)) throw new ExplainException("model file not found: " + path + " (choose a TorchScript .pt file)");
		final Engines.Choice choice = Engines.choose(device);
		final String key = path + "|" + stamp(path) + "|" + stamp(ModelSpec.sidecarOf(path)) + "|" + choice.device();
		Entry entry = cache.get(key);
		if (entry == null) entry = reload(path, choice, key);
		entry.holders++;
		return new Loaded(entry, choice.note());
	}

	/** Modification time and size, so an edited model or sidecar is reloaded. */
	private static String stamp(final Path p) {
		try {
			return Files.getLastModifiedTime(p).toMillis() + ":" + Files.size(p);
		}
		catch (final java.io.IOException e) {
			return "none";
		}
	}

	private Entry reload(final Path path, final Engines.Choice choice, final String key) {
		// A changed file replaces its older versions in the cache; runs that hold one keep it until they end.
		cache.entrySet().removeIf(e -> {
			if (e.getKey().startsWith(path + "|")) {
				retire(e.getValue());
				return true;
			}
			return false;
		});
		final Entry entry = new Entry(Network.load(path, choice.device()));
		cache.put(key, entry);
		return entry;
	}

	private static void retire(final Entry entry) {
		entry.retired = true;
		if (entry.holders == 0) entry.network.close();
	}

	private synchronized void release(final Loaded loaded) {
		if (loaded.released) return;
		loaded.released = true;
		final Entry entry = loaded.entry;
		entry.holders--;
		if (entry.retired && entry.holders == 0) entry.network.close();
		collectDirectBuffers();
	}

	/**
	 * Direct buffers above which a finished run asks for a garbage collection (64 MiB). DJL copies every
	 * Java array it hands to libtorch into a direct buffer, which is freed only when the collector finds
	 * it unreachable; a large Java heap (Fiji's default is most of the RAM) is rarely collected, so over
	 * thousands of runs these buffers grew by up to 150 KB a run (measured with the long-run verb).
	 */
	static final long DIRECT_BUFFER_LIMIT = 64L << 20;

	/** The JVM's pool of direct buffers (looked up once: the lookup cost more than a small run's own release), or null. */
	private static final java.lang.management.BufferPoolMXBean DIRECT_POOL = java.lang.management.ManagementFactory.getPlatformMXBeans(
		java.lang.management.BufferPoolMXBean.class).stream().filter(pool -> pool.getName().equals("direct")).findFirst().orElse(null);

	private static void collectDirectBuffers() {
		if (DIRECT_POOL != null && DIRECT_POOL.getMemoryUsed() > DIRECT_BUFFER_LIMIT) System.gc();
	}

	/** How many networks are cached (not counting older versions still held by a run). */
	public synchronized int cachedCount() {
		return cache.size();
	}

	/** Empties the cache: networks no run holds are closed now, the others when their runs end. */
	public synchronized void clear() {
		for (final Entry e : cache.values()) retire(e);
		cache.clear();
	}

	@Override
	public void dispose() {
		clear();
	}
}
