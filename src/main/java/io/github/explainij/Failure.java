package io.github.explainij;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one exit-code contract, shared by the commands, the ImageJ 1.x bridge and the command line.
 * <ul>
 * <li><b>Bad input</b> ({@link ExplainException}; a sidecar JSON nested so deeply that reading it
 * overflows the stack): one line that names the cause and what to do; exit 2.</li>
 * <li><b>Anything else</b> ({@code RuntimeException}s and {@code Error}s alike): an internal failure. Its
 * stack trace goes to a log file, and the user gets one line with the cause and that file's path; exit 1.
 * Out of memory is named as such, with what to do.</li>
 * </ul>
 * Never a stack trace on the console or in a dialog.
 */
public final class Failure {

	/** Where log files of internal failures go (system property; default: {@code <java.io.tmpdir>/explain-ij}). */
	public static final String LOG_DIR_PROPERTY = "explainij.log.dir";

	private static final String TORCHSCRIPT_HEAD = "The following operation failed in the TorchScript interpreter";

	private static final AtomicInteger COUNT = new AtomicInteger();

	private Failure() {}

	/**
	 * An internal failure already reported: its message is the one line for the user (cause and log file).
	 * Callers show the message as it is and exit 1.
	 */
	public static final class Reported extends RuntimeException {

		private static final long serialVersionUID = 1L;

		public Reported(final String message, final Throwable cause) {
			super(message, cause);
		}
	}

	/** Whether {@code t} is the user's to fix (exit 2) rather than an internal failure (exit 1). */
	public static boolean isBadInput(final Throwable t) {
		if (t instanceof Reported) return false;
		if (t instanceof ExplainException) return true;
		return t instanceof StackOverflowError && readingJson(t);
	}

	/** The one line for bad input (the cause and what to do). */
	public static String badInputMessage(final Throwable t) {
		if (t instanceof ExplainException) return t.getMessage();
		if (t instanceof StackOverflowError && readingJson(t)) {
			// Explain-IJ reads JSON only in model sidecars (which file is lost: the overflowing frames fill the trace)
			return "the model's sidecar (the .json file beside the model) is nested too deeply to read: write it as the flat object the README shows " +
				"({\"classes\": [...], \"input\": {...}, \"normalize\": {...}})";
		}
		return firstMeaningfulLine(t.getMessage());
	}

	/**
	 * Writes {@code t}'s stack trace to a new log file and returns the one line for the user: "out of
	 * memory ..." with what to do, or "internal error ..." with the cause; both end with the log file's path.
	 *
	 * @param what what was running, for the log ("saliency on cells.tif", the command line)
	 */
	public static String report(final Throwable t, final String what) {
		if (t instanceof Reported) return t.getMessage();
		final String log = logLocation(writeLog(t, what));
		final OutOfMemoryError oom = find(t, OutOfMemoryError.class);
		if (oom != null) {
			return "out of memory (" + firstMeaningfulLine(oom.getMessage()) + "): the run needed more memory than Java may use. " +
				"Explain a smaller image or a region, lower batch_size or the number of samples / steps, or give Java more memory " +
				"(Fiji: Edit > Options > Memory & Threads; command line: java -Xmx8g -jar explain-ij.jar ...); " + log;
		}
		final Throwable root = rootCause(t);
		return "internal error (" + root.getClass().getSimpleName() + ": " + firstMeaningfulLine(root.getMessage()) + "): a bug in " +
			"Explain-IJ, not a problem with your input; please report it with the model and image; " + log;
	}

	private static String logLocation(final Object logOrProblem) {
		return logOrProblem instanceof Path ? "the stack trace is in " + logOrProblem : "no log file could be written (" + logOrProblem + ")";
	}

	/**
	 * The first line of an error message that says something: for a TorchScript error, the exception line at
	 * the end of its tracebacks ("RuntimeError: mat1 and mat2 shapes cannot be multiplied (1x4096 and 5x2)"),
	 * not "The following operation failed in the TorchScript interpreter."; otherwise the first non-blank
	 * line. At most 300 characters.
	 */
	public static String firstMeaningfulLine(final String message) {
		if (message == null || message.isBlank()) return "no message";
		final String[] lines = message.strip().split("\\R");
		String line = lines[0].strip();
		if (line.startsWith(TORCHSCRIPT_HEAD)) {
			// the tracebacks' frames are indented; the exception line that ends them is not
			for (int i = lines.length - 1; i > 0; i--) {
				final String l = lines[i];
				if (!l.isBlank() && !Character.isWhitespace(l.charAt(0)) && !l.startsWith("Traceback of TorchScript") &&
					l.matches("^[\\w.]+(Error|Exception)\\b.*"))
				{
					line = l.strip().replaceFirst("^builtins\\.", "");
					break;
				}
			}
		}
		return line.length() > 300 ? line.substring(0, 300) + "..." : line;
	}

	/** The folder log files go to. */
	public static Path logFolder() {
		final String dir = System.getProperty(LOG_DIR_PROPERTY);
		return dir != null && !dir.isBlank() ? Path.of(dir) : Path.of(System.getProperty("java.io.tmpdir"), "explain-ij");
	}

	/** Writes a new log file with {@code t}'s stack trace; returns its path, or the reason it could not be written. */
	static Object writeLog(final Throwable t, final String what) {
		try {
			final StringWriter trace = new StringWriter();
			t.printStackTrace(new PrintWriter(trace));
			final Path dir = logFolder();
			Files.createDirectories(dir);
			final String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT));
			final Path file = dir.resolve("explain-ij-" + stamp + "-" + ProcessHandle.current().pid() + "-" + COUNT.incrementAndGet() + ".log");
			final String text = "Explain-IJ internal failure, " + LocalDateTime.now() + "\n" +
				"while: " + what + "\n" +
				"Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + "), " +
				System.getProperty("os.name") + " " + System.getProperty("os.arch") + ", max heap " +
				Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MB\n\n" + trace;
			Files.writeString(file, text, StandardCharsets.UTF_8);
			return file.toAbsolutePath();
		}
		catch (final IOException | RuntimeException | OutOfMemoryError e) {
			return e.toString();
		}
	}

	private static Throwable rootCause(final Throwable t) {
		Throwable c = t;
		// wrappers without a message of their own (e.g. IllegalStateException(cause)) say less than their cause
		while (c.getCause() != null && c.getCause() != c) c = c.getCause();
		return c;
	}

	private static <T extends Throwable> T find(final Throwable t, final Class<T> type) {
		for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
			if (type.isInstance(c)) return type.cast(c);
		}
		return null;
	}

	private static boolean readingJson(final Throwable t) {
		return inTrace(t, "com.google.gson.");
	}

	/** Whether a frame of the trace belongs to a class whose name starts with {@code prefix}. */
	private static boolean inTrace(final Throwable t, final String prefix) {
		for (final StackTraceElement e : t.getStackTrace()) {
			if (e.getClassName().startsWith(prefix)) return true;
		}
		return false;
	}
}
