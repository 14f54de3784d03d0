package io.github.explainij.model;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

import io.github.explainij.ExplainException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * What the sidecar ({@code cells.pt} -> {@code cells.json}) says about a model. Immutable; missing
 * keys take defaults: no class names, any channel count, any size (the image is used as it is), no
 * normalization, no CAM layer.
 */
public final class ModelSpec {

	private final String name;
	private final List<String> classes;
	private final int channels;
	private final int height;
	private final int width;
	private final Normalization normalization;
	private final String camLayer;
	private final Path sidecar;
	private final String axes;
	private final List<String> channelNames;
	private final String sha256;

	/** Axes of a planar model's input (bioimage.io's letters). */
	public static final String AXES_PLANAR = "bcyx";
	/** Axes of a volumetric model's input: the image's Z slices are its depth. */
	public static final String AXES_VOLUME = "bczyx";

	public ModelSpec(final String name, final List<String> classes, final int channels, final int height,
		final int width, final Normalization normalization, final String camLayer, final Path sidecar)
	{
		this(name, classes, channels, height, width, normalization, camLayer, sidecar, AXES_PLANAR, List.of(), null);
	}

	/**
	 * @param axes {@link #AXES_PLANAR} or {@link #AXES_VOLUME}
	 * @param channelNames names of the input channels (e.g. stains), or empty
	 */
	public ModelSpec(final String name, final List<String> classes, final int channels, final int height,
		final int width, final Normalization normalization, final String camLayer, final Path sidecar, final String axes,
		final List<String> channelNames)
	{
		this(name, classes, channels, height, width, normalization, camLayer, sidecar, axes, channelNames, null);
	}

	/**
	 * @param sha256 the model file's SHA-256 (64 lower-case hexadecimal digits) the sidecar pins, or null
	 */
	public ModelSpec(final String name, final List<String> classes, final int channels, final int height,
		final int width, final Normalization normalization, final String camLayer, final Path sidecar, final String axes,
		final List<String> channelNames, final String sha256)
	{
		this.sha256 = sha256;
		if (!AXES_PLANAR.equals(axes) && !AXES_VOLUME.equals(axes)) {
			throw new ExplainException("the sidecar's input axes must be \"" + AXES_PLANAR + "\" (2D images) or \"" + AXES_VOLUME +
				"\" (3D volumes), not \"" + axes + "\"");
		}
		if (channels > 0 && !channelNames.isEmpty() && channelNames.size() != channels) {
			throw new ExplainException("the sidecar names " + channelNames.size() + " channel(s) in channel_names but its input has " +
				channels + " channel(s)");
		}
		this.axes = axes;
		this.channelNames = List.copyOf(channelNames);
		if ((height > 0) != (width > 0)) {
			throw new ExplainException("the sidecar gives only one of input height and width: give both, or neither for a model that takes any size");
		}
		this.name = name;
		this.classes = Collections.unmodifiableList(new ArrayList<>(classes));
		this.channels = channels;
		this.height = height;
		this.width = width;
		this.normalization = normalization;
		this.camLayer = camLayer;
		this.sidecar = sidecar;
	}

	/** The sidecar of a model file: its name with {@code .json} instead of {@code .pt}. */
	public static Path sidecarOf(final Path modelFile) {
		final String file = modelFile.getFileName().toString();
		final int dot = file.lastIndexOf('.');
		final String base = dot > 0 ? file.substring(0, dot) : file;
		return modelFile.resolveSibling(base + ".json");
	}

	/** Reads the sidecar beside {@code modelFile}, or returns the defaults when there is none. */
	public static ModelSpec forModel(final Path modelFile) {
		final Path json = sidecarOf(modelFile);
		final String fallbackName = json.getFileName().toString().replaceFirst("\\.json$", "");
		if (!Files.isRegularFile(json)) {
			return new ModelSpec(fallbackName, List.of(), 0, 0, 0, Normalization.none(), null, null);
		}
		try {
			return parse(Files.readString(json, StandardCharsets.UTF_8), fallbackName, json);
		}
		catch (final IOException e) {
			throw new ExplainException("cannot read the model's sidecar " + json + ": " + e.getMessage(), e);
		}
	}

	/**
	 * Reads a sidecar's text. Every key is checked for its type and range; a wrong one is refused with
	 * the key and the form it takes (e.g. {@code "input.channels" must be a positive whole number}).
	 */
	public static ModelSpec parse(final String text, final String fallbackName, final Path source) {
		final String where = source == null ? "the model sidecar" : "the model sidecar " + source;
		final JsonElement root;
		try {
			root = JsonParser.parseString(text);
		}
		catch (final JsonParseException e) {
			throw new ExplainException(where + " does not parse (" + firstLine(e.getMessage()) +
				"). Fix the JSON, or delete the file to use the defaults (no normalization, unnamed classes).", e);
		}
		if (!root.isJsonObject()) throw new ExplainException(where + " is not a JSON object {...}");
		final JsonObject o = root.getAsJsonObject();
		final Keys k = new Keys(where);
		final String name = o.has("name") ? k.string(o, "name", "name", "\"name\": \"cells-gap\"") : fallbackName;
		final List<String> classes = k.names(o, "classes", "\"classes\": [\"interphase\", \"mitotic\"]");
		int channels = 0, height = 0, width = 0;
		String axes = AXES_PLANAR;
		if (o.has("input") && !o.get("input").isJsonNull()) {
			final JsonObject in = k.object(o, "input", "\"input\": {\"channels\": 1, \"height\": 64, \"width\": 64}");
			channels = k.positiveInt(in, "channels", "input.channels", "\"channels\": 1");
			height = k.positiveInt(in, "height", "input.height", "\"height\": 64");
			width = k.positiveInt(in, "width", "input.width", "\"width\": 64");
			if (in.has("axes")) {
				axes = k.string(in, "axes", "input.axes", "\"axes\": \"bcyx\"").trim().toLowerCase(Locale.ROOT);
			}
		}
		final List<String> channelNames = k.names(o, "channel_names", "\"channel_names\": [\"DNA\", \"marker\"]");
		Normalization norm = Normalization.none();
		if (o.has("normalize") && !o.get("normalize").isJsonNull()) {
			norm = parseNormalization(k.object(o, "normalize", "\"normalize\": {\"type\": \"meanstd\", \"mean\": [280.0], \"std\": [390.5]}"), k);
		}
		final String cam = o.has("cam_layer") && !o.get("cam_layer").isJsonNull() ? k.string(o, "cam_layer", "cam_layer", "\"cam_layer\": \"relu3\"") : null;
		String sha256 = null;
		if (o.has("sha256") && !o.get("sha256").isJsonNull()) {
			sha256 = k.string(o, "sha256", "sha256", "\"sha256\": \"<64 hexadecimal digits, as sha256sum prints>\"").trim().toLowerCase(Locale.ROOT);
			if (!sha256.matches("[0-9a-f]{64}")) {
				throw new ExplainException(where + ": \"sha256\" must be the model file's SHA-256 as 64 hexadecimal digits (as sha256sum " +
					"cells.pt prints it), not \"" + sha256 + "\"");
			}
		}
		return new ModelSpec(name, classes, channels, height, width, norm, cam, source, axes, channelNames, sha256);
	}

	/** Typed reads of sidecar keys, each refusing a wrong value with the key and its expected form. */
	private static final class Keys {

		private final String where;

		Keys(final String where) {
			this.where = where;
		}

		ExplainException wrong(final String key, final String form, final String example, final JsonElement got) {
			return new ExplainException(where + ": \"" + key + "\" must be " + form + " (e.g. " + example + "), not " + shown(got));
		}

		JsonObject object(final JsonObject o, final String key, final String example) {
			final JsonElement e = o.get(key);
			if (!e.isJsonObject()) throw wrong(key, "an object {...}", example, e);
			return e.getAsJsonObject();
		}

		String string(final JsonObject o, final String key, final String path, final String example) {
			final JsonElement e = o.get(key);
			if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) throw wrong(path, "a text in quotes", example, e);
			return e.getAsString();
		}

		/** A list of distinct, non-empty names; an empty list when the key is absent. */
		List<String> names(final JsonObject o, final String key, final String example) {
			if (!o.has(key) || o.get(key).isJsonNull()) return List.of();
			final JsonElement e = o.get(key);
			final String form = "a list of distinct names in quotes";
			if (!e.isJsonArray()) throw wrong(key, form, example, e);
			final List<String> out = new ArrayList<>();
			for (final JsonElement c : e.getAsJsonArray()) {
				if (!c.isJsonPrimitive() || !c.getAsJsonPrimitive().isString() || c.getAsString().isBlank()) {
					throw new ExplainException(where + ": \"" + key + "\" must be " + form + " (e.g. " + example + "); " + shown(c) +
						" is not a name");
				}
				final String name = c.getAsString().strip();
				if (out.contains(name)) {
					throw new ExplainException(where + ": \"" + key + "\" must be " + form + " (e.g. " + example + "); \"" + name +
						"\" appears more than once");
				}
				out.add(name);
			}
			return out;
		}

		int positiveInt(final JsonObject o, final String key, final String path, final String example) {
			if (!o.has(key) || o.get(key).isJsonNull()) return 0;
			final JsonElement e = o.get(key);
			final String form = "a positive whole number";
			if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) throw wrong(path, form, example, e);
			final double v = e.getAsDouble();
			if (!(v >= 1 && v <= Integer.MAX_VALUE && v == Math.rint(v))) throw wrong(path, form, example, e);
			return (int) v;
		}

		double number(final JsonObject o, final String key, final String example) {
			if (!o.has(key) || o.get(key).isJsonNull()) {
				throw new ExplainException(where + ": normalize needs '" + key + "' (e.g. " + example + ")");
			}
			return finite(o.get(key), "normalize." + key, "a finite number", example);
		}

		double[] numbers(final JsonObject o, final String key, final String example) {
			if (!o.has(key) || o.get(key).isJsonNull()) {
				throw new ExplainException(where + ": normalize needs '" + key + "' (e.g. " + example + ")");
			}
			final JsonElement e = o.get(key);
			final String form = "a finite number or a list of finite numbers, one per channel";
			if (!e.isJsonArray()) return new double[] { finite(e, "normalize." + key, form, example) };
			final JsonArray a = e.getAsJsonArray();
			final double[] v = new double[a.size()];
			for (int i = 0; i < v.length; i++) v[i] = finite(a.get(i), "normalize." + key, form, example);
			return v;
		}

		private double finite(final JsonElement e, final String path, final String form, final String example) {
			// Gson reads NaN and Infinity (lenient JSON) as numbers or as words: both are refused
			if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) throw wrong(path, form, example, e);
			final double v = e.getAsDouble();
			if (!Double.isFinite(v)) throw wrong(path, form, example, e);
			return v;
		}
	}

	private static String shown(final JsonElement e) {
		final String s = e == null ? "nothing" : e.toString();
		return s.length() > 60 ? s.substring(0, 60) + "..." : s;
	}

	private static Normalization parseNormalization(final JsonObject n, final Keys k) {
		final String type = n.has("type") && !n.get("type").isJsonNull()
			? k.string(n, "type", "normalize.type", "\"type\": \"meanstd\"").toLowerCase(Locale.ROOT) : "none";
		switch (type) {
			case "none": return Normalization.none();
			case "range": return Normalization.range(k.number(n, "min", "\"min\": 0"), k.number(n, "max", "\"max\": 255"));
			case "meanstd": return Normalization.meanStd(k.numbers(n, "mean", "\"mean\": [280.0]"), k.numbers(n, "std", "\"std\": [390.5]"));
			case "percentile": return Normalization.percentile(k.number(n, "low", "\"low\": 1"), k.number(n, "high", "\"high\": 99.8"));
			default:
				throw new ExplainException(k.where + ": unknown normalize type '" + type + "' (use none, range, meanstd or percentile)");
		}
	}

	private static String firstLine(final String s) {
		if (s == null) return "malformed JSON";
		final int nl = s.indexOf('\n');
		return nl < 0 ? s : s.substring(0, nl);
	}

	public String name() { return name; }

	/** Class names in the network's output order; empty when the sidecar names none. */
	public List<String> classes() { return classes; }

	/** Input channels the model takes, or 0 when the sidecar does not say. */
	public int channels() { return channels; }

	/** Fixed input height, or 0 when the model takes any size. */
	public int height() { return height; }

	/** Fixed input width, or 0 when the model takes any size. */
	public int width() { return width; }

	public boolean hasFixedSize() { return height > 0; }

	/** The input's axes: {@link #AXES_PLANAR} or {@link #AXES_VOLUME}. */
	public String axes() { return axes; }

	/** Whether the model takes volumes [B, C, D, H, W] (the image's Z slices are the depth). */
	public boolean isVolumetric() { return AXES_VOLUME.equals(axes); }

	/** The sidecar's names of the input channels (e.g. stains), or an empty list. */
	public List<String> channelNames() { return channelNames; }

	public Normalization normalization() { return normalization; }

	/** The stage CAM methods use by default, or null. */
	public String camLayer() { return camLayer; }

	/** The model file's SHA-256 the sidecar pins (64 lower-case hexadecimal digits), or null. */
	public String sha256() { return sha256; }

	/** The sidecar file this spec was read from, or null when there was none. */
	public Path sidecar() { return sidecar; }

	/** The name of class {@code index}: the sidecar's name, or "class N". */
	public String className(final int index) {
		return index >= 0 && index < classes.size() ? classes.get(index) : "class " + index;
	}
}
