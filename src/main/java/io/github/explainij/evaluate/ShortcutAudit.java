package io.github.explainij.evaluate;

import ai.djl.ndarray.types.Shape;

import io.github.explainij.ExplainException;
import io.github.explainij.method.Progress;
import io.github.explainij.model.Network;
import io.github.explainij.workflow.ImageFolder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Does the model rely on something it should not? Two tests over a folder:
 * <ol>
 * <li>linear probes ({@link LinearProbe}): for each nuisance (plate, well, scanner, date ... given per
 * image), can it be read off the model's pooled features (a stage's activations averaged over space)?
 * A balanced accuracy well above chance with a small permutation p-value means the features encode it,
 * and the decision may use it;</li>
 * <li>an artefact test: a patch (a scale bar, a mark) pasted into every image at one place; how often
 * the decision changes, per class the model gave the image before.</li>
 * </ol>
 */
public final class ShortcutAudit {

	/** The nuisances of a folder: per nuisance name, each image's value (folder order). */
	public static final class Nuisances {

		final Map<String, String[]> values = new LinkedHashMap<>();

		public Map<String, String[]> values() { return values; }
	}

	/** A probe's outcome for one nuisance. */
	public static final class Probe {

		public final String nuisance;
		/** The nuisance's values, in order of first appearance (class index of the probe). */
		public final List<String> levels;
		public final int n;
		public final LinearProbe.Result result;

		Probe(final String nuisance, final List<String> levels, final int n, final LinearProbe.Result result) {
			this.nuisance = nuisance;
			this.levels = levels;
			this.n = n;
			this.result = result;
		}
	}

	/** The artefact test's outcome: every image's class before and after pasting. */
	public static final class Flips {

		public final int[] before, after;
		public final List<String> classNames;

		Flips(final int[] before, final int[] after, final List<String> classNames) {
			this.before = before;
			this.after = after;
			this.classNames = classNames;
		}

		/** Images the model gave class c before pasting. */
		public int count(final int c) {
			return (int) Arrays.stream(before).filter(b -> b == c).count();
		}

		/** Of those, how many changed class. */
		public int flipped(final int c) {
			int n = 0;
			for (int i = 0; i < before.length; i++) {
				if (before[i] == c && after[i] != c) n++;
			}
			return n;
		}

		/** Of class c's images that changed, how many went to each class. */
		public int[] flippedTo(final int c) {
			final int[] out = new int[classNames.size()];
			for (int i = 0; i < before.length; i++) {
				if (before[i] == c && after[i] != c) out[after[i]]++;
			}
			return out;
		}

		/** All images that changed class. */
		public int flipped() {
			int n = 0;
			for (int i = 0; i < before.length; i++) {
				if (after[i] != before[i]) n++;
			}
			return n;
		}
	}

	private ShortcutAudit() {}

	// ---- nuisances ----

	/**
	 * Nuisances from a CSV table: a header with a {@code file} column (the image's name as the folder lists
	 * it, e.g. {@code images/a.tif} -> {@code a.tif}) and one column per nuisance; every image needs a row.
	 */
	public static Nuisances fromTable(final Path csv, final ImageFolder folder) {
		final List<String> lines;
		try {
			lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
		}
		catch (final IOException e) {
			throw new ExplainException("cannot read the nuisance table " + csv + ": " + e.getMessage());
		}
		if (lines.isEmpty()) throw new ExplainException("the nuisance table " + csv + " is empty: write a header 'file,<nuisance>' and a row per image");
		final String[] header = lines.get(0).split(",", -1);
		int file = -1;
		for (int i = 0; i < header.length; i++) {
			header[i] = header[i].trim();
			if (header[i].equalsIgnoreCase("file")) file = i;
		}
		if (file < 0 || header.length < 2) {
			throw new ExplainException("the nuisance table " + csv + " needs a header with a 'file' column and one column per nuisance " +
				"(e.g. 'file,plate,scanner'), not '" + lines.get(0) + "'");
		}
		final Map<String, String[]> rows = new LinkedHashMap<>();
		for (int i = 1; i < lines.size(); i++) {
			if (lines.get(i).isBlank()) continue;
			final String[] cells = lines.get(i).split(",", -1);
			if (cells.length != header.length) {
				throw new ExplainException("the nuisance table " + csv + " line " + (i + 1) + " has " + cells.length + " column(s), the header " +
					header.length + ": '" + lines.get(i) + "'");
			}
			for (int c = 0; c < cells.length; c++) cells[c] = cells[c].trim();
			rows.put(cells[file], cells);
		}
		final Nuisances out = new Nuisances();
		for (int c = 0; c < header.length; c++) {
			if (c != file) out.values.put(header[c], new String[folder.size()]);
		}
		for (int i = 0; i < folder.size(); i++) {
			final String name = folder.entries().get(i).name;
			final String[] row = rows.get(name);
			if (row == null) {
				throw new ExplainException("the image " + name + " has no row in the nuisance table " + csv + ": add a row '" + name + ",...'");
			}
			for (int c = 0; c < header.length; c++) {
				if (c != file) out.values.get(header[c])[i] = row[c];
			}
		}
		return out;
	}

	/**
	 * One nuisance from the file names: a regular expression with one group, searched in each image's
	 * name (e.g. {@code plate(\d+)_} gives the plate number); the nuisance is named after the pattern.
	 */
	public static Nuisances fromPattern(final String regex, final ImageFolder folder) {
		final Pattern p;
		try {
			p = Pattern.compile(regex);
		}
		catch (final PatternSyntaxException e) {
			throw new ExplainException("nuisance_pattern '" + regex + "' is not a regular expression (" + e.getDescription() +
				"): write e.g. 'plate(\\d+)_' with one group in parentheses");
		}
		if (p.matcher("").groupCount() != 1) {
			throw new ExplainException("nuisance_pattern '" + regex + "' has " + p.matcher("").groupCount() + " groups: it needs exactly one " +
				"group in parentheses, the part of the file name that is the nuisance (e.g. 'plate(\\d+)_')");
		}
		final String[] values = new String[folder.size()];
		for (int i = 0; i < folder.size(); i++) {
			final String name = folder.entries().get(i).name;
			final Matcher m = p.matcher(name);
			if (!m.find() || m.group(1) == null) {
				throw new ExplainException("nuisance_pattern '" + regex + "' does not match the file name " + name + ": every image's name " +
					"must contain the nuisance");
			}
			values[i] = m.group(1);
		}
		final Nuisances out = new Nuisances();
		out.values.put(regex, values);
		return out;
	}

	// ---- probes ----

	/**
	 * The stage probed by default: the one before the last linear stage (for a classifier ending in
	 * pooling, flattening and one linear layer, the pooled features it decides on).
	 */
	public static String defaultStage(final Network network) {
		network.requireStages("a linear probe on the model's features");
		final List<String> kinds = network.layerKinds();
		for (int i = kinds.size() - 1; i > 0; i--) {
			if ("linear".equals(kinds.get(i))) return network.layerNames().get(i - 1);
		}
		throw new ExplainException("the model's stages name no linear layer (layer_kinds), so the stage to probe is not known: give a layer, " +
			"one of " + network.layerNames());
	}

	/** Every image's pooled features at a stage (folder order). */
	public static double[][] pooledFeatures(final Network network, final ImageFolder folder, final String stage, final Progress progress) {
		final float[][] f = FolderPasses.pooled(network, folder, network.stageIndex(stage), progress);
		final double[][] out = new double[f.length][];
		for (int i = 0; i < f.length; i++) {
			out[i] = new double[f[i].length];
			for (int j = 0; j < f[i].length; j++) out[i][j] = f[i][j];
		}
		return out;
	}

	/** A probe for each nuisance on given features. */
	public static List<Probe> probes(final double[][] features, final Nuisances nuisances, final int folds, final int permutations, final long seed) {
		final List<Probe> out = new ArrayList<>();
		for (final Map.Entry<String, String[]> e : nuisances.values.entrySet()) {
			final List<String> levels = new ArrayList<>();
			final int[] y = new int[e.getValue().length];
			for (int i = 0; i < y.length; i++) {
				if (!levels.contains(e.getValue()[i])) levels.add(e.getValue()[i]);
				y[i] = levels.indexOf(e.getValue()[i]);
			}
			if (levels.size() < 2) {
				throw new ExplainException("the nuisance '" + e.getKey() + "' has one value only (" + levels.get(0) + "): a probe needs at least " +
					"two values among the images");
			}
			for (int c = 0; c < levels.size(); c++) {
				final int level = c;
				final long count = Arrays.stream(y).filter(v -> v == level).count();
				if (count < 2) {
					throw new ExplainException("the nuisance '" + e.getKey() + "' has the value '" + levels.get(c) + "' on " + count + " image: " +
						"every value needs at least 2 images for cross-validation (merge rare values or add images)");
				}
			}
			out.add(new Probe(e.getKey(), levels, y.length, LinearProbe.test(features, y, levels.size(), Math.min(folds, y.length), permutations,
				seed)));
		}
		return out;
	}

	// ---- artefact ----

	/**
	 * Pastes the patch into every image at (x, y) (its top-left corner; every channel of the image gets the
	 * patch's channel, or its only channel) and compares the model's classes before and after.
	 *
	 * @param patch the patch's raw values, one array per channel, row-major
	 */
	public static Flips artefact(final Network network, final ImageFolder folder, final float[][] patch, final int patchWidth,
		final int patchHeight, final int x, final int y, final Progress progress)
	{
		final float[][] before = FolderPasses.outputs(network, folder, null, progress);
		final float[][] after = FolderPasses.outputs(network, folder, (raw, shape) -> paste(raw, shape, patch, patchWidth, patchHeight, x, y),
			progress);
		final int[] b = new int[before.length], a = new int[after.length];
		for (int i = 0; i < b.length; i++) {
			b[i] = FolderPasses.argmax(before[i]);
			a[i] = FolderPasses.argmax(after[i]);
		}
		final List<String> classes = new ArrayList<>(network.spec().classes());
		for (int c = classes.size(); c < before[0].length; c++) classes.add("class " + c);
		return new Flips(b, a, classes);
	}

	/** Pastes the patch into a batch [B, C, H, W] in place; refuses a patch that does not fit or whose channels do not match. */
	static void paste(final float[] raw, final Shape shape, final float[][] patch, final int pw, final int ph, final int x, final int y) {
		final int b = (int) shape.get(0), c = (int) shape.get(1), h = (int) shape.get(2), w = (int) shape.get(3);
		if (x < 0 || y < 0 || x + pw > w || y + ph > h) {
			throw new ExplainException(String.format(Locale.ROOT, "the %dx%d patch at x=%d, y=%d does not fit in the %dx%d images: choose x " +
				"from 0 to %d and y from 0 to %d", pw, ph, x, y, w, h, w - pw, h - ph));
		}
		if (patch.length != 1 && patch.length != c) {
			throw new ExplainException("the patch has " + patch.length + " channels but the images " + c + ": use a one-channel patch or one " +
				"with the images' channels");
		}
		for (int i = 0; i < b; i++) {
			for (int ch = 0; ch < c; ch++) {
				final float[] p = patch[patch.length == 1 ? 0 : ch];
				for (int r = 0; r < ph; r++) {
					System.arraycopy(p, r * pw, raw, ((i * c + ch) * h + y + r) * w + x, pw);
				}
			}
		}
	}
}
