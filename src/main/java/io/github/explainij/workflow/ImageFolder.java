package io.github.explainij.workflow;

import ij.ImagePlus;

import io.github.explainij.ExplainException;
import io.github.explainij.image.ImageFiles;
import io.github.explainij.image.ImagePlusAdapter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A folder of images for the folder-level commands ({@code --input-dir}), read one image (or one batch)
 * at a time so that thousands of images never sit in memory together.
 * <p>
 * Layouts, in this order:
 * <ul>
 * <li>{@code DIR/images/} holds the images, and {@code DIR/masks/} (optional) a mask of the same file
 * name for each (concept or evidence masks);</li>
 * <li>otherwise {@code DIR} holds the images;</li>
 * <li>labels: a {@code labels.csv} in {@code DIR} (or in the image folder) with a header naming a
 * {@code file} column and a {@code label} (or {@code class_name}, or {@code class}) column; else, when
 * the image folder holds sub-folders of images and no images of its own, each sub-folder is a class
 * (sorted by name); else the folder is unlabelled.</li>
 * </ul>
 * Image files are .tif, .tiff, .png, .jpg, .jpeg, .bmp and .gif, sorted by their path; hidden files are
 * skipped.
 */
public final class ImageFolder {

	private static final List<String> SUFFIXES = List.of(".tif", ".tiff", ".png", ".jpg", ".jpeg", ".bmp", ".gif");

	/** One image of the folder. */
	public static final class Entry {

		/** The image file. */
		public final Path file;
		/** Its path relative to the image folder, with '/' (what tables show). */
		public final String name;
		/** Its label (class), or null in an unlabelled folder. */
		public final String label;
		/** Its mask file, or null. */
		public final Path mask;

		Entry(final Path file, final String name, final String label, final Path mask) {
			this.file = file;
			this.name = name;
			this.label = label;
			this.mask = mask;
		}

		@Override
		public String toString() {
			return name;
		}
	}

	/** One image's raw values: every channel of its current plane, row-major. */
	public static final class Image {

		public final Entry entry;
		public final float[][] planes;
		public final int width, height;

		Image(final Entry entry, final float[][] planes, final int width, final int height) {
			this.entry = entry;
			this.planes = planes;
			this.width = width;
			this.height = height;
		}

		/** The values as one [C, H, W] array. */
		public float[] chw() {
			return ImagePlusAdapter.chw(planes);
		}
	}

	private final Path dir;
	private final Path imageDir;
	private final List<Entry> entries;
	private final List<String> labels;

	private ImageFolder(final Path dir, final Path imageDir, final List<Entry> entries, final List<String> labels) {
		this.dir = dir;
		this.imageDir = imageDir;
		this.entries = entries;
		this.labels = labels;
	}

	/**
	 * Reads a folder's layout (no image is opened).
	 *
	 * @throws ExplainException when it is not a folder, holds no images, or its labels.csv is broken
	 */
	public static ImageFolder open(final Path dir) {
		if (dir == null) throw new ExplainException("no folder given: choose a folder of images (--input-dir DIR on the command line)");
		if (!Files.isDirectory(dir)) throw new ExplainException("the folder " + dir + " does not exist or is not a folder: choose a folder of images");
		final Path imageDir = Files.isDirectory(dir.resolve("images")) ? dir.resolve("images") : dir;
		final Path maskDir = Files.isDirectory(dir.resolve("masks")) ? dir.resolve("masks") : null;
		final Path csv = Files.isRegularFile(dir.resolve("labels.csv")) ? dir.resolve("labels.csv")
			: Files.isRegularFile(imageDir.resolve("labels.csv")) ? imageDir.resolve("labels.csv") : null;
		final List<Path> files = imageFiles(imageDir);
		final List<Entry> entries = new ArrayList<>();
		final List<String> labels = new ArrayList<>();
		if (csv != null) {
			final Map<String, String> byFile = readLabels(csv);
			for (final Path f : files) {
				final String name = relative(imageDir, f);
				final String label = byFile.get(name);
				if (label == null) {
					throw new ExplainException("the image " + name + " of " + imageDir + " has no row in " + csv + ": add a row '" + name +
						",<label>' or move the image out of the folder");
				}
				if (!labels.contains(label)) labels.add(label);
				entries.add(new Entry(f, name, label, mask(maskDir, name)));
			}
		}
		else if (files.isEmpty()) {
			// one sub-folder per class
			final List<Path> classes = new ArrayList<>();
			try (Stream<Path> s = Files.list(imageDir)) {
				s.filter(Files::isDirectory).filter(p -> !hidden(p)).sorted().forEach(classes::add);
			}
			catch (final IOException e) {
				throw new ExplainException("cannot read the folder " + imageDir + ": " + e.getMessage());
			}
			for (final Path c : classes) {
				final List<Path> inClass = imageFiles(c);
				if (inClass.isEmpty()) continue;
				final String label = c.getFileName().toString();
				labels.add(label);
				for (final Path f : inClass) entries.add(new Entry(f, relative(imageDir, f), label, mask(maskDir, relative(imageDir, f))));
			}
		}
		else {
			for (final Path f : files) entries.add(new Entry(f, relative(imageDir, f), null, mask(maskDir, relative(imageDir, f))));
		}
		if (entries.isEmpty()) {
			throw new ExplainException("the folder " + dir + " holds no images (" + String.join(", ", SUFFIXES) + "), neither directly, " +
				"nor in images/, nor in one sub-folder per class");
		}
		return new ImageFolder(dir, imageDir, Collections.unmodifiableList(entries), Collections.unmodifiableList(labels));
	}

	private static List<Path> imageFiles(final Path folder) {
		try (Stream<Path> s = Files.list(folder)) {
			return s.filter(Files::isRegularFile).filter(p -> !hidden(p)).filter(ImageFolder::isImage).sorted().toList();
		}
		catch (final IOException e) {
			throw new ExplainException("cannot read the folder " + folder + ": " + e.getMessage());
		}
	}

	private static boolean hidden(final Path p) {
		return p.getFileName().toString().startsWith(".");
	}

	private static boolean isImage(final Path p) {
		final String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
		return SUFFIXES.stream().anyMatch(n::endsWith);
	}

	private static String relative(final Path base, final Path f) {
		return base.relativize(f).toString().replace('\\', '/');
	}

	private static Path mask(final Path maskDir, final String name) {
		if (maskDir == null) return null;
		final Path m = maskDir.resolve(name);
		return Files.isRegularFile(m) ? m : null;
	}

	/** file -> label from a CSV whose header names a file column and a label column. */
	static Map<String, String> readLabels(final Path csv) {
		final List<String> lines;
		try {
			lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
		}
		catch (final IOException e) {
			throw new ExplainException("cannot read " + csv + ": " + e.getMessage());
		}
		if (lines.isEmpty()) throw new ExplainException(csv + " is empty: write a header 'file,label' and one row per image");
		final List<String> header = Arrays.stream(lines.get(0).split(",", -1)).map(h -> h.trim().toLowerCase(Locale.ROOT)).toList();
		final int file = header.indexOf("file");
		int label = header.indexOf("label");
		if (label < 0) label = header.indexOf("class_name");
		if (label < 0) label = header.indexOf("class");
		if (file < 0 || label < 0) {
			throw new ExplainException(csv + " needs a header with a 'file' and a 'label' column (e.g. 'file,label'), not '" + lines.get(0) + "'");
		}
		final Map<String, String> out = new LinkedHashMap<>();
		for (int i = 1; i < lines.size(); i++) {
			if (lines.get(i).isBlank()) continue;
			final String[] cells = lines.get(i).split(",", -1);
			if (cells.length <= Math.max(file, label)) {
				throw new ExplainException(csv + " line " + (i + 1) + " has " + cells.length + " column(s), the header " + header.size() + ": '" +
					lines.get(i) + "'");
			}
			out.put(cells[file].trim(), cells[label].trim());
		}
		return out;
	}

	/** The folder given. */
	public Path dir() { return dir; }

	/** The folder that holds the images (DIR or DIR/images). */
	public Path imageDir() { return imageDir; }

	public List<Entry> entries() { return entries; }

	public int size() { return entries.size(); }

	/** Whether every image has a label. */
	public boolean labelled() { return !labels.isEmpty(); }

	/** The labels in order of first appearance (class sub-folders: sorted by name); empty when unlabelled. */
	public List<String> labels() { return labels; }

	/** Whether every image has a mask. */
	public boolean hasMasks() { return entries.stream().allMatch(e -> e.mask != null); }

	/** Refuses an unlabelled folder, for commands that need labels. */
	public ImageFolder requireLabels(final String command) {
		if (!labelled()) {
			throw new ExplainException(command + " needs a labelled folder: put the images of each class in a sub-folder named after it, " +
				"or add a labels.csv (file,label) to " + dir);
		}
		return this;
	}

	/** Refuses a folder without a mask for every image, for commands that need them. */
	public ImageFolder requireMasks(final String command) {
		for (final Entry e : entries) {
			if (e.mask == null) {
				throw new ExplainException(command + " needs a mask for every image, in masks/ beside images/ with the same file name; " +
					e.name + " has none in " + dir.resolve("masks"));
			}
		}
		return this;
	}

	/** Opens one image: the raw values of every channel of its current (first) plane. */
	public static Image read(final Entry entry) {
		final ImagePlus imp = ImageFiles.open(entry.file.toFile(), "image");
		return new Image(entry, ImagePlusAdapter.planes(ImagePlusAdapter.currentPlanes(imp)), imp.getWidth(), imp.getHeight());
	}

	/** Opens an image's mask as a boolean array (non-zero = inside), refusing one of another size. */
	public static boolean[] readMask(final Entry entry, final int width, final int height) {
		if (entry.mask == null) throw new ExplainException(entry.name + " has no mask");
		final ImagePlus m = ImageFiles.open(entry.mask.toFile(), "mask");
		if (m.getWidth() != width || m.getHeight() != height) {
			throw new ExplainException("the mask " + entry.mask + " is " + m.getWidth() + "x" + m.getHeight() + " but its image is " + width + "x" +
				height + ": masks must have their image's size");
		}
		final float[] v = (float[]) m.getProcessor().convertToFloatProcessor().getPixels();
		final boolean[] out = new boolean[v.length];
		for (int i = 0; i < v.length; i++) out[i] = v[i] != 0;
		return out;
	}

	/** Receives a batch of images of one size. */
	@FunctionalInterface
	public interface BatchConsumer {

		/**
		 * @param images the batch's images, in folder order
		 * @param raw their values [B, C, H, W]
		 */
		void accept(List<Image> images, float[] raw);
	}

	/**
	 * Streams the folder in batches of up to {@code maxBatch} consecutive images of one size (a new size
	 * starts a new batch), so that at most one batch is in memory. {@code progress} gets images done / total
	 * and can cancel.
	 */
	public void forEachBatch(final int maxBatch, final io.github.explainij.method.Progress progress, final BatchConsumer consumer) {
		final List<Image> batch = new ArrayList<>();
		int done = 0;
		for (final Entry e : entries) {
			if (progress != null && progress.isCanceled()) throw new io.github.explainij.method.Progress.Cancelled();
			final Image image = read(e);
			if (!batch.isEmpty() && (batch.size() >= maxBatch || !sameShape(batch.get(0), image))) {
				flush(batch, consumer);
				done += batch.size();
				batch.clear();
				if (progress != null) progress.step(done, entries.size());
			}
			batch.add(image);
		}
		if (!batch.isEmpty()) {
			flush(batch, consumer);
			done += batch.size();
			if (progress != null) progress.update(done, entries.size());
		}
	}

	private static boolean sameShape(final Image a, final Image b) {
		return a.width == b.width && a.height == b.height && a.planes.length == b.planes.length;
	}

	private static void flush(final List<Image> batch, final BatchConsumer consumer) {
		final Image first = batch.get(0);
		final int n = first.planes.length * first.width * first.height;
		final float[] raw = new float[batch.size() * n];
		for (int b = 0; b < batch.size(); b++) System.arraycopy(batch.get(b).chw(), 0, raw, b * n, n);
		consumer.accept(List.copyOf(batch), raw);
	}
}
