package io.github.explainij.ij1;

import ij.IJ;
import ij.ImageJ;
import ij.ImagePlus;
import ij.Macro;
import ij.Menus;
import ij.WindowManager;
import ij.macro.Interpreter;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Hashtable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs one macro line through plain ImageJ 1.x's interpreter, with plugins.config's entries installed and an
 * image current, and prints the error the macro stopped with (kept by the interpreter instead of shown in
 * ImageJ's macro error dialog, which would wait for a click), the ImageJ log and how many images are open.
 * Arguments: the repository folder, the image file, the macro code.
 */
public final class BridgeFailureHarness {

	private static final Pattern ENTRY = Pattern.compile("^\\s*([^,#]+),\\s*\"([^\"]+)\",\\s*([\\w.$]+)(\\(\"([^\"]*)\"\\))?\\s*$");

	private BridgeFailureHarness() {}

	@SuppressWarnings("unchecked")
	public static void main(final String[] args) throws Exception {
		// a dialog waiting for a click would hang the test: give up after a minute, with the threads' stacks
		final Thread watchdog = new Thread(() -> {
			try {
				Thread.sleep(60_000);
			}
			catch (final InterruptedException e) {
				return;
			}
			System.out.println("still running after 60 s (a dialog open?); threads:");
			Thread.getAllStackTraces().forEach((t, st) -> {
				System.out.println(t.getName());
				for (final StackTraceElement e : st) System.out.println("    at " + e);
			});
			System.exit(4);
		});
		watchdog.setDaemon(true);
		watchdog.start();
		new ImageJ(ImageJ.NO_SHOW);
		final Hashtable<String, String> commands = Menus.getCommands();
		for (final String line : Files.readAllLines(Path.of(args[0]).resolve("plugins.config"))) {
			final Matcher m = ENTRY.matcher(line);
			if (m.matches()) commands.put(m.group(2), m.group(3) + (m.group(5) == null ? "" : "(\"" + m.group(5) + "\")"));
		}
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
