package io.github.explainij;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** How failures are sorted and put into one line. */
class FailureTest {

	@Test
	void theMeaningfulLineOfAnEngineMessage() {
		// a TorchScript error: the exception line at the end of the tracebacks
		assertEquals("RuntimeError: this model needs a mask channel", Failure.firstMeaningfulLine(String.join("\n",
			"The following operation failed in the TorchScript interpreter.",
			"Traceback of TorchScript, serialized code (most recent call last):",
			"  File \"code/__torch__.py\", line 10, in forward",
			"      ops.prim.RaiseException(\"this model needs a mask channel\", \"builtins.RuntimeError\")",
			"      ~~~~~~~~~~~~~~~~~~~~~~~ <--- HERE",
			"",
			"Traceback of TorchScript, original code (most recent call last):",
			"            raise RuntimeError(\"this model needs a mask channel\")",
			"builtins.RuntimeError: this model needs a mask channel", "")));
		// libtorch's own messages start with what failed, then the C++ frames
		assertEquals("mat1 and mat2 shapes cannot be multiplied (1x4096 and 5x2)", Failure.firstMeaningfulLine(
			"mat1 and mat2 shapes cannot be multiplied (1x4096 and 5x2)\nException raised from meta at ../aten/src/ATen/native/LinearAlgebra.cpp:191"));
		assertEquals("no message", Failure.firstMeaningfulLine(null));
		assertEquals("no message", Failure.firstMeaningfulLine(" \n "));
		final String longLine = "x".repeat(400);
		assertEquals("x".repeat(300) + "...", Failure.firstMeaningfulLine(longLine));
	}

	@Test
	void badInputAndInternalFailuresAreTold() {
		assertTrue(Failure.isBadInput(new ExplainException("give a model")));
		assertFalse(Failure.isBadInput(new IllegalStateException("bug")));
		assertFalse(Failure.isBadInput(new StackOverflowError()), "a stack overflow outside JSON reading is a bug");
		assertFalse(Failure.isBadInput(new Failure.Reported("internal error (...)", new NullPointerException())));
		assertEquals("already said", Failure.report(new Failure.Reported("already said", new NullPointerException()), "test"));
	}

	@Test
	void withoutAWritableLogFolderTheLineSaysSo() throws Exception {
		final String before = System.getProperty(Failure.LOG_DIR_PROPERTY);
		final java.nio.file.Path file = java.nio.file.Files.createTempFile("not-a-folder", ".txt");
		try {
			System.setProperty(Failure.LOG_DIR_PROPERTY, file.toString()); // a file where the folder should be
			final String line = Failure.report(new IllegalArgumentException("x"), "test");
			assertTrue(line.startsWith("internal error (IllegalArgumentException: x): a bug in Explain-IJ"), line);
			assertTrue(line.contains("; no log file could be written (java.nio.file.FileAlreadyExistsException: " + file), line);
		}
		finally {
			if (before == null) System.clearProperty(Failure.LOG_DIR_PROPERTY);
			else System.setProperty(Failure.LOG_DIR_PROPERTY, before);
			java.nio.file.Files.deleteIfExists(file);
		}
	}
}
