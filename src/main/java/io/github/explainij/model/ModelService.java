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
 * Owns the native engine: loads DJL's PyTorch lazily (on the first model), caches loaded models (a
 * changed file is reloaded), and releases them all when the context is disposed.
 */
@Plugin(type = Service.class)
public class ModelService extends AbstractService implements SciJavaService {

	private final Map<String, Network> cache = new LinkedHashMap<>();

	/** A loaded network and what the device choice came to. */
	public static final class Loaded {

		private final Network network;
		private final String deviceNote;

		Loaded(final Network network, final String deviceNote) {
			this.network = network;
			this.deviceNote = deviceNote;
		}

		public Network network() { return network; }

		/** Why the device differs from the request, or null. */
		public String deviceNote() { return deviceNote; }
	}

	/**
	 * The network in {@code file} on the requested device ({@code auto | cpu | gpu}).
	 *
	 * @throws ExplainException with a message for the user when the model cannot be used
	 */
	public synchronized Loaded load(final File file, final String device) {
		if (file == null) throw new ExplainException("no model file given: choose a TorchScript file (.pt)");
		final Path path = file.toPath().toAbsolutePath().normalize();
		if (!Files.isRegularFile(path)) throw new ExplainException("model file not found: " + path + " (choose a TorchScript .pt file)");
		final Engines.Choice choice = Engines.choose(device);
		final String key = path + "|" + stamp(path) + "|" + stamp(ModelSpec.sidecarOf(path)) + "|" + choice.device();
		final Network cached = cache.get(key);
		if (cached != null) return new Loaded(cached, choice.note());
		return new Loaded(reload(path, choice, key), choice.note());
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

	private Network reload(final Path path, final Engines.Choice choice, final String key) {
		// A changed file replaces its older versions.
		cache.entrySet().removeIf(e -> {
			if (e.getKey().startsWith(path + "|")) {
				e.getValue().close();
				return true;
			}
			return false;
		});
		final Network n = Network.load(path, choice.device());
		cache.put(key, n);
		return n;
	}

	/** Closes every cached model. */
	public synchronized void clear() {
		for (final Network n : cache.values()) n.close();
		cache.clear();
	}

	@Override
	public void dispose() {
		clear();
	}
}
