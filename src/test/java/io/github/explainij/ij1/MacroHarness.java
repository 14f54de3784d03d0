package io.github.explainij.ij1;

import ij.IJ;
import ij.ImageJ;
import ij.Menus;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Hashtable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs a macro file through plain ImageJ 1.x's real macro interpreter, with the menu entries that
 * plugins.config declares (as ImageJ installs them from the plugin jar). Needs a display (Xvfb in CI).
 * Arguments: the repository folder, the macro file, the macro's argument.
 */
public final class MacroHarness {

	private static final Pattern ENTRY = Pattern.compile("^\\s*([^,#]+),\\s*\"([^\"]+)\",\\s*([\\w.$]+)(\\(\"([^\"]*)\"\\))?\\s*$");

	private MacroHarness() {}

	public static void main(final String[] args) throws Exception {
		startWatchdog(150, "macro");
		new ImageJ(ImageJ.NO_SHOW);
		installPluginsConfig(Path.of(args[0]));
		final String result = IJ.runMacroFile(args[1], args.length > 2 ? args[2] : "");
		System.out.println("macro finished: " + result);
		System.out.println("log: " + IJ.getLog());
		System.exit("[aborted]".equals(result) ? 3 : 0);
	}

	/** A macro error or a modal dialog would wait for a click forever: after {@code seconds}, print the stacks and exit 4. */
	static void startWatchdog(final int seconds, final String what) {
		final Thread watchdog = new Thread(() -> {
			try {
				Thread.sleep(seconds * 1000L);
			}
			catch (final InterruptedException e) {
				return;
			}
			System.out.println(what + " still running after " + seconds + " s (a dialog open?); threads:");
			Thread.getAllStackTraces().forEach((t, st) -> {
				System.out.println(t.getName());
				for (final StackTraceElement e : st) System.out.println("    at " + e);
			});
			System.exit(4);
		});
		watchdog.setDaemon(true);
		watchdog.start();
	}

	/** Registers every command of the repository's plugins.config in ImageJ's menus, as ImageJ does from the plugin jar. */
	@SuppressWarnings("unchecked")
	static void installPluginsConfig(final Path repo) throws Exception {
		final Hashtable<String, String> commands = Menus.getCommands();
		int installed = 0;
		for (final String line : Files.readAllLines(repo.resolve("plugins.config"))) {
			final Matcher m = ENTRY.matcher(line);
			if (!m.matches()) continue;
			Class.forName(m.group(3)); // the class must exist
			commands.put(m.group(2), m.group(3) + (m.group(5) == null ? "" : "(\"" + m.group(5) + "\")"));
			installed++;
		}
		if (installed == 0) throw new IllegalStateException("plugins.config declares no command");
	}
}
