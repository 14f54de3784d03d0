package io.github.explainij.command;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.explainij.TestData;
import io.github.explainij.ij1.MacroRunner;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** macros/Explain_Perturbation_Example.ijm through plain ImageJ 1.x's macro interpreter. */
class PerturbationMacroTest {

	@TempDir
	Path tmp;

	@Test
	void exampleMacroRunsTheThreeCommands() throws Exception {
		final Path image = TestData.sample("cells", "interphase_002"), model = TestData.model("cells-bn");
		final String printed = MacroRunner.run("Explain_Perturbation_Example.ijm", "image=[" + image + "] model=[" + model + "]", tmp);
		// 64x64 image, 16 px windows every 4 px: 13 x 13 positions, plus the unoccluded pass
		assertTrue(printed.contains("occlusion: Occlusion Sensitivity of interphase_002.tif (interphase), 170 forward passes"), printed);
		assertTrue(printed.contains("RISE: RISE of interphase_002.tif"), printed);
		assertTrue(printed.matches("(?s).*LIME top superpixels \\(label:weight\\): \\d+:.*"), printed);
	}
}
