package io.github.explainij.cli;

import ij.ImagePlus;
import ij.io.FileInfo;
import ij.io.FileSaver;
import ij.measure.ResultsTable;
import ij.plugin.PNG_Writer;

import io.github.explainij.ExplainException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writing the command line's files without harming the user's: an output is never one of the run's input
 * files (the image, the model, its sidecar, a label image: compared as real paths, before any work), an
 * existing file is replaced only where the user named that path, and every file is written to a hidden
 * temporary file in the same folder and then renamed over the target (an atomic move), so an interrupted run
 * leaves the old file or the new one, never half of one.
 */
final class Outputs {

	/** The run's input files, by how the command line names them ("--image", "the model's sidecar"). */
	private final Map<String, Path> inputs = new LinkedHashMap<>();

	/** The outputs planned so far, by how the command line names them. */
	private final Map<String, Path> planned = new LinkedHashMap<>();

	/** Temporary files being written; deleted if the JVM exits (Ctrl-C) before they are renamed. */
	private static final Set<Path> PARTIAL = ConcurrentHashMap.newKeySet();

	static {
		Runtime.getRuntime().addShutdownHook(new Thread(() -> {
			for (final Path p : PARTIAL) {
				try {
					Files.deleteIfExists(p);
				}
				catch (final IOException e) {
					// nothing more to do at exit
				}
			}
		}, "explain-ij partial outputs"));
	}

	/** Adds an input file the outputs must not be (missing files too: a sidecar that does not exist yet). */
	Outputs input(final String name, final Path file) {
		if (file != null) inputs.put(name, file);
		return this;
	}

	/**
	 * Plans an output: refuses (before any work) a path that is an input file, a folder, or another output
	 * of this run, and an existing file that the user did not name.
	 *
	 * @param option how the command line names this output ("--out", "the extra image of --out")
	 * @param asked whether the user gave this path (then an existing file is replaced)
	 */
	void plan(final String option, final Path file, final boolean asked) {
		for (final Map.Entry<String, Path> in : inputs.entrySet()) {
			if (sameFile(file, in.getValue())) {
				throw new ExplainException(option + " " + file + " is the " + in.getKey() + " file: an output never overwrites an input; " +
					"choose another " + (asked ? "path for " + option : "--out"));
			}
		}
		for (final Map.Entry<String, Path> out : planned.entrySet()) {
			if (sameFile(file, out.getValue())) {
				throw new ExplainException(option + " " + file + " is also " + out.getKey() + ": give each output its own file");
			}
		}
		if (Files.isDirectory(file)) throw new ExplainException(option + " " + file + " is a folder: give a file name");
		if (!asked && Files.exists(file)) {
			throw new ExplainException(option + " " + file + " exists and was not named by you: give --out " +
				(option.equals("--out") ? file : "with another name") + " to replace it, or move it away");
		}
		planned.put(option, file);
	}

	/** Writes work to {@code target} through what {@code writer} produces at a temporary path. */
	@FunctionalInterface
	interface Writer {

		void write(Path temporary) throws IOException;
	}

	/**
	 * Writes {@code target} atomically: {@code writer} writes a hidden temporary file in the same folder,
	 * which then replaces the target in one rename.
	 *
	 * @return "wrote &lt;path&gt;" or, for a file that existed, "replaced &lt;path&gt;"
	 */
	static String write(final Path target, final Writer writer) {
		final Path file = target.toAbsolutePath();
		final Path dir = file.getParent();
		try {
			Files.createDirectories(dir);
		}
		catch (final IOException e) {
			throw new ExplainException("cannot create folder " + dir + " for " + target + ": " + e.getMessage() + "; choose another output path");
		}
		final boolean existed = Files.exists(file);
		final String name = file.getFileName().toString();
		final int dot = name.lastIndexOf('.');
		final String extension = dot > 0 ? name.substring(dot) : "";
		final Path temporary = dir.resolve("." + name + ".partial-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1) + extension);
		PARTIAL.add(temporary);
		try {
			writer.write(temporary);
			if (!Files.isRegularFile(temporary)) throw new IOException("nothing was written");
			try {
				Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
			}
			catch (final AtomicMoveNotSupportedException e) {
				Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
			}
		}
		catch (final IOException e) {
			throw new ExplainException("cannot write " + target + ": " + e.getMessage() + "; check that the folder is writable and has space");
		}
		finally {
			try {
				Files.deleteIfExists(temporary);
			}
			catch (final IOException e) {
				// the rename moved it, or the folder refuses: either way nothing left to do
			}
			PARTIAL.remove(temporary);
		}
		return (existed ? "replaced " : "wrote ") + target;
	}

	/**
	 * An image (or stack) as TIFF, as ImageJ saves it (calibration, Info, properties, slice labels). ImageJ
	 * renames a saved image after its file: the image keeps its own title and file information here.
	 */
	static String tiff(final ImagePlus imp, final Path target) {
		return write(target, temporary -> {
			final String title = imp.getTitle();
			final FileInfo original = imp.getOriginalFileInfo();
			final boolean changes = imp.changes;
			try {
				final FileSaver saver = new FileSaver(imp);
				if (!(imp.getStackSize() > 1 ? saver.saveAsTiffStack(temporary.toString()) : saver.saveAsTiff(temporary.toString()))) {
					throw new IOException("ImageJ could not save the image as TIFF");
				}
			}
			finally {
				imp.setTitle(title);
				imp.setFileInfo(original);
				imp.changes = changes;
			}
		});
	}

	/** A figure as PNG, as ImageJ saves it (RGB, its overlay burnt in), without renaming the image after the file. */
	static String png(final ImagePlus imp, final Path target) {
		return write(target, temporary -> {
			try {
				new PNG_Writer().writeImage(imp, temporary.toString(), -1);
			}
			catch (final IOException e) {
				throw e;
			}
			catch (final Exception e) {
				throw new IOException(e.getMessage(), e);
			}
		});
	}

	/** A results table as CSV. */
	static String table(final ResultsTable table, final Path target) {
		return write(target, temporary -> {
			if (!table.save(temporary.toString())) throw new IOException("ImageJ could not save the table");
		});
	}

	/** Lines of text (UTF-8). */
	static String text(final List<String> lines, final Path target) {
		return write(target, temporary -> Files.write(temporary, lines, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW));
	}

	/** Whether two paths name the same file: the same real path (links resolved), or the same existing file. */
	static boolean sameFile(final Path a, final Path b) {
		if (real(a).equals(real(b))) return true;
		try {
			return Files.exists(a) && Files.exists(b) && Files.isSameFile(a, b);
		}
		catch (final IOException e) {
			return false;
		}
	}

	/** The real path of a file that may not exist yet (its folder's real path and its name). */
	private static Path real(final Path p) {
		final Path abs = p.toAbsolutePath().normalize();
		try {
			if (Files.exists(abs)) return abs.toRealPath();
			final Path parent = abs.getParent();
			if (parent != null && Files.exists(parent)) return parent.toRealPath().resolve(abs.getFileName());
		}
		catch (final IOException e) {
			// fall back on the normalized path
		}
		return abs;
	}

	/** The planned outputs' options (for messages and tests). */
	List<String> planned() {
		return new ArrayList<>(planned.keySet());
	}
}
