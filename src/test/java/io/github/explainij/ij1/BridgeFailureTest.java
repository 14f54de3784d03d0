package io.github.explainij.ij1;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.explainij.TestData;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exit-code contract in plain ImageJ 1.x: a command that fails shows one error (its one line, no stack
 * trace) and the macro that called it stops there. Runs ImageJ in a child JVM on a display (Xvfb where
 * there is none), as {@link MacroTest}.
 */
class BridgeFailureTest {

	@TempDir
	Path tmp;

	private String runMacro(final Path image, final String macro) throws Exception {
		return MacroRunner.runMain(BridgeFailureHarness.class, "bridge failure", tmp, TestData.repo().toString(), image.toString(), macro);
	}

	@Test
	void aFailingCommandShowsOneLineAndStopsTheMacro() throws Exception {
		final Path image = Files.copy(TestData.sample("cells", "foci_001"), tmp.resolve("foci_001.tif"));
		final byte[] imageBytes = Files.readAllBytes(image);
		// a model whose TorchScript forward raises: its own exception line, then the macro stops
		final String printed = runMacro(image, "run(\"Saliency Map\", \"model_file=[" + TestData.testModel("failing-raises") +
			"] target=predicted\"); print(\"after the command\");");
		assertTrue(printed.contains("macro stopped with: the model failing-raises could not run on an input of shape (1, 1, 64, 64) " +
			"[B, C, H, W]: RuntimeError: this model needs a mask channel. Check"), printed);
		assertFalse(printed.contains("after the command"), printed);
		assertFalse(printed.contains("\tat ") || printed.contains("Exception in thread"), printed);
		assertTrue(printed.contains("images: 1"), printed); // the source only: no result

		// a sidecar too deep to read (a StackOverflowError inside): bad input, one line
		final Path model = Files.copy(TestData.model("cells-gap"), tmp.resolve("deep.pt"));
		Files.writeString(tmp.resolve("deep.json"), "{\"classes\": " + "[".repeat(200_000) + "]".repeat(200_000) + "}");
		final String deep = runMacro(image, "run(\"Saliency Map\", \"model_file=[" + model + "] target=predicted\"); print(\"after the command\");");
		assertTrue(deep.contains("macro stopped with: the model's sidecar (the .json file beside the model) is nested too deeply to read"), deep);
		assertFalse(deep.contains("after the command") || deep.contains("\tat "), deep);
		assertArrayEquals(imageBytes, Files.readAllBytes(image));
	}
}
