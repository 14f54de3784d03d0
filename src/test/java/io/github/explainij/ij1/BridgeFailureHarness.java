package io.github.explainij.ij1;

import ij.IJ;
import ij.ImageJ;
import ij.ImagePlus;
import ij.Macro;
import ij.WindowManager;
import ij.macro.Interpreter;

import java.nio.file.Path;

/**
 * Runs one macro line through plain ImageJ 1.x's interpreter, with plugins.config's entries installed and an
 * image current, and prints the error the macro stopped with (kept by the interpreter instead of shown in
 * ImageJ's macro error dialog, which would wait for a click), the ImageJ log and how many images are open.
 * Arguments: the repository folder, the image file, the macro code.
 */
public final class BridgeFailureHarness {

	private BridgeFailureHarness() {}

	public static void main(final String[] args) throws Exception {
		// a dialog waiting for a click would hang the test: give up after a minute, with the threads' stacks
		MacroHarness.startWatchdog(60, "the bridge harness");
		new ImageJ(ImageJ.NO_SHOW);
		MacroHarness.installPluginsConfig(Path.of(args[0]));
		final ImagePlus image = IJ.openImage(args[1]);
		WindowManager.setTempCurrentImage(image);
		// as ImageJ runs a macro, except that the error the macro stops with is kept instead of shown in a dialog
		final Interpreter interpreter = new Interpreter();
		interpreter.setIgnoreErrors(true);
		try {
			interpreter.run(args[2], "");
		}
		catch (final RuntimeException e) { // how ImageJ stops a macro (IJ.runMacro catches it the same way)
			if (!Macro.MACRO_CANCELED.equals(e.getMessage())) throw e;
			System.out.println("macro canceled");
		}
		System.out.println("macro stopped with: " + interpreter.getErrorMessage());
		System.out.println("log: " + IJ.getLog());
		System.out.println("images: " + WindowManager.getImageCount());
		System.exit(0);
	}
}
