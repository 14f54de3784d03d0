package io.github.explainij.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** The command line run in-process, as a test runs it: the exit status, and what it printed on stdout and stderr. */
public class CommandLineRun {

	protected final ByteArrayOutputStream out = new ByteArrayOutputStream();
	protected final ByteArrayOutputStream err = new ByteArrayOutputStream();

	/** Runs {@code java -jar explain-ij.jar args...} and returns its exit status; {@link #out} and {@link #err} then hold what it printed. */
	protected int run(final String... args) {
		out.reset();
		err.reset();
		return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
	}

	/** What the last run printed on stdout. */
	protected String printed() {
		return out.toString(StandardCharsets.UTF_8);
	}

	/** What the last run printed on stderr. */
	protected String errors() {
		return err.toString(StandardCharsets.UTF_8);
	}
}
