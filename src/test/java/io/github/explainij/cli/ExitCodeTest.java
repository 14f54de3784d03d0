package io.github.explainij.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.explainij.ExplainException;
import io.github.explainij.Failure;
import io.github.explainij.TestData;
import io.github.explainij.command.AttributionCommand;
import io.github.explainij.method.AttributionMethod;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.command.CommandInfo;
import org.scijava.plugin.PluginService;
import org.scijava.plugin.Parameter;

/**
 * The exit-code contract of the command line: bad input exits 2 with one line naming the cause; anything
 * else, Errors included, exits 1 with one line and the path of a log file holding the stack trace; never a
 * stack trace on the console; the input files' bytes are unchanged either way.
 */
class ExitCodeTest {

	/**
	 * An attribution command whose method fails as told ({@code --param failure=...}), registered only in this
	 * test's context (it has no {@code @Plugin} annotation, so no other test discovers it): the command line's
	 * handling of internal failures is checked with real Throwables thrown where a method's would be.
	 */
	public static class FailingCommand extends AttributionCommand {

		@Parameter(label = "Failure")
		private String failure = "npe";

		@Override
		public AttributionMethod method() {
			return request -> {
				switch (failure) {
					case "oom": throw new OutOfMemoryError("Java heap space");
					case "wrapped-oom": throw new IllegalStateException(new OutOfMemoryError("Java heap space"));
					case "stackoverflow": throw new StackOverflowError();
					case "bad-input": throw new ExplainException("this model cannot explain this image: crop it");
					default: throw new NullPointerException("Cannot read the array length because \"weights\" is null");
				}
			};
		}
	}

	private static Context context;

	@TempDir
	Path tmp;

	private final ByteArrayOutputStream out = new ByteArrayOutputStream();
	private final ByteArrayOutputStream err = new ByteArrayOutputStream();

	@BeforeAll
	static void start() {
		context = new Context();
		final CommandInfo info = new CommandInfo(FailingCommand.class);
		info.setName("failing");
		context.service(PluginService.class).addPlugin(info);
	}

	@AfterAll
	static void stop() {
		context.dispose();
	}

	private int run(final String... args) {
		out.reset();
		err.reset();
		return Main.run(context, args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
	}

	private String err() {
		return err.toString(StandardCharsets.UTF_8);
	}

	/** The one line on stderr (asserting there is exactly one). */
	private String oneLine() {
		final String e = err().strip();
		assertEquals(1, e.split("\\R").length, "one line, no stack trace: " + e);
		assertFalse(e.contains("\tat "), e);
		return e;
	}

	/** Copies of a model and an image in the test's folder, to check their bytes afterwards. */
	private Path copy(final Path file) throws Exception {
		return Files.copy(file, tmp.resolve(file.getFileName()));
	}

	/** The log file named in a message, which must exist and hold the stack trace of the given exception type. */
	private static Path logOf(final String message, final String exception) throws Exception {
		final Matcher m = Pattern.compile("the stack trace is in (\\S+)$").matcher(message);
		assertTrue(m.find(), message);
		final Path log = Path.of(m.group(1));
		try {
			final String text = Files.readString(log);
			assertTrue(text.contains(exception) && text.contains("\tat "), text);
			assertTrue(text.contains("while: "), text);
		}
		finally {
			Files.deleteIfExists(log);
		}
		return log;
	}

	@Test
	void internalErrorsExitOneWithTheCauseAndALogFile() throws Exception {
		final Path model = copy(TestData.model("cells-gap")), image = copy(TestData.sample("cells", "foci_001"));
		final byte[] modelBytes = Files.readAllBytes(model), imageBytes = Files.readAllBytes(image);
		final Path outFile = tmp.resolve("o.tif");

		assertEquals(1, run("failing", "--model", model.toString(), "--image", image.toString(), "--out", outFile.toString()), err());
		String e = oneLine();
		assertTrue(e.startsWith("error: internal error (NullPointerException: Cannot read the array length because \"weights\" is null): " +
			"a bug in Explain-IJ, not a problem with your input; please report it with the model and image; the stack trace is in "), e);
		logOf(e, "java.lang.NullPointerException");

		// a java.lang.Error is an internal failure too: one line and a log, not a trace on the console
		assertEquals(1, run("failing", "--model", model.toString(), "--image", image.toString(), "--out", outFile.toString(),
			"--param", "failure=stackoverflow"));
		e = oneLine();
		assertTrue(e.startsWith("error: internal error (StackOverflowError: no message)"), e);
		logOf(e, "java.lang.StackOverflowError");

		// out of memory is named as such, with what to do, also when wrapped
		for (final String oom : new String[] { "oom", "wrapped-oom" }) {
			assertEquals(1, run("failing", "--model", model.toString(), "--image", image.toString(), "--out", outFile.toString(),
				"--param", "failure=" + oom));
			e = oneLine();
			assertTrue(e.startsWith("error: out of memory (Java heap space): the run needed more memory than Java may use. Explain a " +
				"smaller image or a region"), e);
			assertTrue(e.contains("java -Xmx8g"), e);
			logOf(e, "java.lang.OutOfMemoryError: Java heap space");
		}

		// the command's own refusal stays bad input
		assertEquals(2, run("failing", "--model", model.toString(), "--image", image.toString(), "--out", outFile.toString(),
			"--param", "failure=bad-input"));
		assertEquals("error: this model cannot explain this image: crop it", oneLine());

		assertFalse(Files.exists(outFile), "no output of a failed run");
		assertArrayEquals(modelBytes, Files.readAllBytes(model));
		assertArrayEquals(imageBytes, Files.readAllBytes(image));
	}

	@Test
	void torchScriptErrorsKeepTheirExceptionLine() throws Exception {
		final Path image = copy(TestData.sample("cells", "foci_001"));
		final byte[] imageBytes = Files.readAllBytes(image);
		assertEquals(2, run("saliency", "--model", TestData.testModel("failing-raises").toString(), "--image", image.toString(), "--out",
			tmp.resolve("r.tif").toString()));
		String e = oneLine();
		assertTrue(e.startsWith("error: the model failing-raises could not run on an input of shape (1, 1, 64, 64) [B, C, H, W]: " +
			"RuntimeError: this model needs a mask channel. Check the image's channel count"), e);
		assertFalse(e.contains("The following operation failed"), e);

		assertEquals(2, run("occlusion", "--model", TestData.testModel("failing-shape").toString(), "--image", image.toString(), "--out",
			tmp.resolve("s.tif").toString()));
		e = oneLine();
		assertTrue(e.contains(": RuntimeError: mat1 and mat2 shapes cannot be multiplied (1x4096 and 5x2). Check the image's channel count"), e);
		assertArrayEquals(imageBytes, Files.readAllBytes(image));
		assertFalse(Files.exists(tmp.resolve("r.tif")) || Files.exists(tmp.resolve("s.tif")));
	}

	@Test
	void aDeeplyNestedSidecarIsBadInput() throws Exception {
		final Path model = Files.copy(TestData.model("cells-gap"), tmp.resolve("deep.pt"));
		final Path sidecar = tmp.resolve("deep.json");
		Files.writeString(sidecar, "{\"classes\": " + "[".repeat(200_000) + "]".repeat(200_000) + "}");
		final Path image = copy(TestData.sample("cells", "foci_001"));
		final byte[] modelBytes = Files.readAllBytes(model), sidecarBytes = Files.readAllBytes(sidecar), imageBytes = Files.readAllBytes(image);
		assertEquals(2, run("saliency", "--model", model.toString(), "--image", image.toString(), "--out", tmp.resolve("o.tif").toString()));
		assertEquals("error: the model's sidecar (the .json file beside the model) is nested too deeply to read: write it as the flat " +
			"object the README shows ({\"classes\": [...], \"input\": {...}, \"normalize\": {...}})", oneLine());
		assertArrayEquals(modelBytes, Files.readAllBytes(model));
		assertArrayEquals(sidecarBytes, Files.readAllBytes(sidecar));
		assertArrayEquals(imageBytes, Files.readAllBytes(image));
	}

	@Test
	void failuresOutsideACommandFollowTheSameContract() throws Exception {
		final String[] args = { "saliency", "--model", "m.pt" };
		final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		final PrintStream stream = new PrintStream(bytes, true, StandardCharsets.UTF_8);
		assertEquals(2, Main.fail(new ExplainException("--image I.tif is required"), args, stream));
		assertEquals(1, Main.fail(new IllegalArgumentException("x"), args, stream));
		assertEquals(1, Main.fail(new OutOfMemoryError("Java heap space"), args, stream));
		final String[] lines = bytes.toString(StandardCharsets.UTF_8).strip().split("\\R");
		assertEquals(3, lines.length, bytes.toString(StandardCharsets.UTF_8));
		assertEquals("error: --image I.tif is required", lines[0]);
		assertTrue(lines[1].startsWith("error: internal error (IllegalArgumentException: x)"), lines[1]);
		final Path log = logOf(lines[1], "java.lang.IllegalArgumentException: x");
		assertEquals(Failure.logFolder().toAbsolutePath(), log.getParent());
		assertTrue(lines[2].startsWith("error: out of memory (Java heap space)"), lines[2]);
		logOf(lines[2], "OutOfMemoryError");
	}
}
