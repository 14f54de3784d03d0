package io.github.explainij.ij1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.explainij.TestData;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Occlusion Sensitivity dialog as ImageJ 1.x builds it ({@link DialogHarness}, in a child JVM on a
 * display or under xvfb-run, as the macro tests): plain labels, whole numbers as whole numbers, the
 * target list from the model's classes (and following a change of model), a Browse button for the model.
 */
class CommandDialogWindowTest {

	@TempDir
	Path tmp;

	@Test
	void occlusionDialogReadsAsABiologistWouldExpect() throws Exception {
		final String printed = MacroRunner.runMain(DialogHarness.class, "the dialog harness", tmp, "occlusion",
			TestData.model("cells-gap").toString(), TestData.testModel("linear-8x8").toString());
		final List<String> labels = new ArrayList<>(), numbers = new ArrayList<>(), targets = new ArrayList<>();
		String buttons = "";
		for (final String line : printed.split("\n")) {
			if (line.startsWith("LABEL ")) labels.add(line.substring(6));
			if (line.startsWith("NUMBER ")) numbers.add(line.substring(7));
			if (line.startsWith("TARGET ")) targets.add(line.substring(7));
			if (line.startsWith("BUTTONS ")) buttons = line.substring(8);
		}
		assertTrue(labels.containsAll(List.of("Model file (TorchScript .pt)", "Target class", "Score", "Device", "Show overlay on the image",
			"Window size", "Stride", "Units", "Fill", "Fill value", "Batch size (0 = automatic)")), printed);
		assertTrue(labels.stream().noneMatch(l -> l.contains("_")), printed);
		// crop context 8, window 16, stride 4, window depth 1, stride along Z 1, fill value 0, batch size 0: whole numbers, no ".0000"
		assertEquals(List.of("0 8", "1 16", "2 4", "3 1", "4 1", "5 0", "6 0"), numbers, printed);
		assertEquals("predicted,interphase,mitotic,apoptotic,foci", targets.get(0), printed);
		// linear-8x8's sidecar names its classes differently: the list follows the model
		assertTrue(!targets.get(1).equals(targets.get(0)) && targets.get(1).startsWith("predicted"), printed);
		assertTrue(buttons.contains("Browse"), printed); // (Help, Cancel and OK are added when the dialog is shown)
		// Browse opens the .pt chooser of CommandDialog, not ImageJ's unfiltered one
		final List<String> browse = new ArrayList<>();
		for (final String line : printed.split("\n")) if (line.startsWith("BROWSE ")) browse.add(line.substring(7));
		// two file fields: the model's Browse is the .pt chooser; the label image's is ImageJ's own
		assertEquals(2, browse.size(), printed);
		assertTrue(browse.get(0).startsWith(CommandDialog.class.getName()), printed);
		assertTrue(!browse.get(1).startsWith(CommandDialog.class.getName()), printed);
	}
}
