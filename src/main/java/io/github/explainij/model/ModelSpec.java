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

	/** Axes of a planar model's input (bioimage.io's letters). */
	public static final String AXES_PLANAR = "bcyx";
	/** Axes of a volumetric model's input: the image's Z slices are its depth. */
	public static final String AXES_VOLUME = "bczyx";

	public ModelSpec(final String name, final List<String> classes, final int channels, final int height,
		final int width, final Normalization normalization, final String camLayer, final Path sidecar)
	{
		this(name, classes, channels, height, width, normalization, camLayer, sidecar, AXES_PLANAR, List.of());
	}

	/**
	 * @param axes {@link #AXES_PLANAR} or {@link #AXES_VOLUME}
	 * @param channelNames names of the input channels (e.g. stains), or empty
	 */
	public ModelSpec(final String name, final List<String> classes, final int channels, final int height,
		final int width, final Normalization normalization, final String camLayer, final Path sidecar, final String axes,
		final List<String> channelNames)
	{
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

	public static ModelSpec parse(final String text, final String fallbackName, final Path source) {
		final String where = source == null ? "the model sidecar" : "the model sidecar " + source;
		try {
			final JsonElement root = JsonParser.parseString(text);
			if (!root.isJsonObject()) throw new ExplainException(where + " is not a JSON object {...}");
			final JsonObject o = root.getAsJsonObject();
			final String name = o.has("name") ? o.get("name").getAsString() : fallbackName;
			final List<String> classes = new ArrayList<>();
			if (o.has("classes")) {
				for (final JsonElement c : o.getAsJsonArray("classes")) classes.add(c.getAsString());
			}
			int channels = 0, height = 0, width = 0;
			String axes = AXES_PLANAR;
			if (o.has("input")) {
				final JsonObject in = o.getAsJsonObject("input");
				channels = positiveInt(in, "channels", where);
				height = positiveInt(in, "height", where);
				width = positiveInt(in, "width", where);
				if (in.has("axes")) axes = in.get("axes").getAsString().trim().toLowerCase(java.util.Locale.ROOT);
			}
			final List<String> channelNames = new ArrayList<>();
			if (o.has("channel_names")) {
				for (final JsonElement c : o.getAsJsonArray("channel_names")) channelNames.add(c.getAsString());
			}
			Normalization norm = Normalization.none();
			if (o.has("normalize")) norm = parseNormalization(o.getAsJsonObject("normalize"), where);
			final String cam = o.has("cam_layer") && !o.get("cam_layer").isJsonNull() ? o.get("cam_layer").getAsString() : null;
			return new ModelSpec(name, classes, channels, height, width, norm, cam, source, axes, channelNames);
		}
		catch (JsonParseException | IllegalStateException | ClassCastException | UnsupportedOperationException e) {
			throw new ExplainException(where + " does not parse (" + firstLine(e.getMessage()) +
				"). Fix the JSON, or delete the file to use the defaults (no normalization, unnamed classes).", e);
		}
	}

	private static int positiveInt(final JsonObject o, final String key, final String where) {
		if (!o.has(key) || o.get(key).isJsonNull()) return 0;
		final int v = o.get(key).getAsInt();
		if (v <= 0) throw new ExplainException(where + ": input " + key + " must be a positive integer, got " + v);
		return v;
	}

	private static Normalization parseNormalization(final JsonObject n, final String where) {
		final String type = n.has("type") ? n.get("type").getAsString().toLowerCase() : "none";
		switch (type) {
			case "none": return Normalization.none();
			case "range": return Normalization.range(number(n, "min", where), number(n, "max", where));
			case "meanstd": return Normalization.meanStd(numbers(n, "mean", where), numbers(n, "std", where));
			case "percentile": return Normalization.percentile(number(n, "low", where), number(n, "high", where));
			default:
				throw new ExplainException(where + ": unknown normalize type '" + type + "' (use none, range, meanstd or percentile)");
		}
	}

	private static double number(final JsonObject o, final String key, final String where) {
		if (!o.has(key)) throw new ExplainException(where + ": normalize needs '" + key + "'");
		return o.get(key).getAsDouble();
	}

	private static double[] numbers(final JsonObject o, final String key, final String where) {
		if (!o.has(key)) throw new ExplainException(where + ": normalize needs '" + key + "'");
		final JsonElement e = o.get(key);
		if (!e.isJsonArray()) return new double[] { e.getAsDouble() };
		final JsonArray a = e.getAsJsonArray();
		final double[] v = new double[a.size()];
		for (int i = 0; i < v.length; i++) v[i] = a.get(i).getAsDouble();
		return v;
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

	/** The sidecar file this spec was read from, or null when there was none. */
	public Path sidecar() { return sidecar; }

	/** The name of class {@code index}: the sidecar's name, or "class N". */
	public String className(final int index) {
		return index >= 0 && index < classes.size() ? classes.get(index) : "class " + index;
	}
}
