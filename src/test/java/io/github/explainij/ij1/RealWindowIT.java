package io.github.explainij.ij1;

import static io.github.explainij.TestData.assertRelativeClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ij.IJ;
import ij.ImagePlus;

import io.github.explainij.TestData;
import io.github.explainij.cli.CommandRunner;
import io.github.explainij.command.ExplainCommands;
import io.github.explainij.image.ImagePlusAdapter;
import io.github.explainij.method.ExplainRequest;
import io.github.explainij.method.SaliencyMap;
import io.github.explainij.target.ScoreKind;
import io.github.explainij.target.TargetSpec;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.command.CommandService;
import org.scijava.module.Module;

/**
 * The install as the README describes it, in a real ImageJ 1.x window: {@code target/ImageJ/} (built by
 * {@code mvn package}) is copied into a fresh ImageJ folder holding only {@code ij.jar}, and ImageJ is
 * started as an application ({@code java -jar ij.jar}, its own {@code main}; the plugin is NOT on the
 * class path: ImageJ loads it from {@code plugins/}). Under Xvfb (or the machine's display) a macro
 * passed with {@code -eval} opens a sample image; this test chooses Plugins > Explain-IJ > Attribution >
 * Saliency Map in ImageJ's menu bar (mouse and keyboard, with xdotool), takes screenshots of the menu
 * and of the dialog, clicks OK, and takes one of the result with its overlay. With the result in front,
 * Grad-CAM is refused before its dialog (the error is clicked away); then the macro runs Grad-CAM on
 * the source as a macro would ({@code run} with options) and quits. The saved results must equal the methods' values computed here.
 * The dialog's model file comes from ImageJ's preferences (as remembered from an earlier run), and
 * the values of the run are remembered there when ImageJ quits.
 * <p>
 * Needs xvfb-run (or a display), xdotool and ImageMagick's import; without them the test is skipped,
 * except in CI (CI=true), where it fails. Screenshots go to {@code target/screenshots/}.
 */
class RealWindowIT {

	private static final long STEP_SECONDS = 180;

	@TempDir
	Path tmp;

	private Path out;
	private Path display;
	private Path xauth;
	private Process imagej;
	private Path log;

	@Test
	void installedPluginRunsFromTheMenuAndFromAMacro() throws Exception {
		final boolean haveDisplay = System.getenv("DISPLAY") != null && !System.getenv("DISPLAY").isEmpty();
		require(haveDisplay || onPath("xvfb-run"), "xvfb-run (apt-get install xvfb xauth)");
		require(onPath("xdotool"), "xdotool (apt-get install xdotool)");
		require(onPath("import"), "ImageMagick's import (apt-get install imagemagick)");

		final Path ij = installImageJ();
		final Path data = tmp.resolve("models");
		Files.createDirectories(data);
		for (final String f : new String[] { "cells-gap.pt", "cells-gap.json" }) Files.copy(TestData.repo().resolve("models").resolve(f), data.resolve(f));
		final Path sample = data.resolve("foci_002.tif");
		Files.copy(TestData.sample("cells", "foci_002"), sample);
		final Path model = data.resolve("cells-gap.pt");
		// a model remembered from an earlier run, in the preferences of a user home made for this test
		final Path prefsDir = tmp.resolve("home/.imagej");
		Files.createDirectories(prefsDir);
		// (and ImageJ's window in the top-left corner, for the screenshots)
		Files.writeString(prefsDir.resolve("IJ_Prefs.txt"), ".explainij.model_file=" + model + "\nij.x=10\nij.y=10\n");
		out = tmp.resolve("out");
		Files.createDirectories(out);
		final Path shots = Path.of(System.getProperty("explainij.screenshots", "target/screenshots")).toAbsolutePath();
		Files.createDirectories(shots);

		final Path macro = tmp.resolve("drive.ijm");
		Files.writeString(macro, String.join("\n",
			"List.setCommands;",
			"File.saveString(List.get('Saliency Map'), '" + out.resolve("menu_entry.txt") + "');",
			"open('" + sample + "');",
			"source = getImageID();",
			"run('Set... ', 'zoom=300 x=32 y=32');",
			"setLocation(10, 110);",
			"File.saveString('ready', '" + out.resolve("ready") + "');",
			"while (nImages < 2) wait(100);", // the test chooses Plugins > Explain-IJ > Attribution > Saliency Map
			"setLocation(290, 110);",
			"run('Set... ', 'zoom=300 x=32 y=32');",
			"selectImage(source);",
			"wait(500);",
			"File.saveString('shown', '" + out.resolve("menu_done") + "');",
			"while (!File.exists('" + out.resolve("go") + "')) wait(100);",
			"selectImage(2);",
			"saveAs('Tiff', '" + out.resolve("saliency.tif") + "');",
			"doCommand('Grad-CAM');", // as a menu click (its own thread); the attribution is in front: refused, before any dialog
			"while (!File.exists('" + out.resolve("go2") + "')) wait(100);",
			"wait(300);",
			"File.saveString('' + nImages, '" + out.resolve("images_after_refusal.txt") + "');",
			"selectImage(source);",
			"run('Grad-CAM', 'model_file=[" + model + "] target=predicted score=logit device=auto relu layer=relu3');",
			"saveAs('Tiff', '" + out.resolve("gradcam.tif") + "');",
			"File.saveString('done', '" + out.resolve("macro_done") + "');",
			"run('Quit');", ""));

		launch(ij, macro, haveDisplay);
		try {
			waitForFile(out.resolve("ready"));
			// on a busy machine a menu may open after the next key: then close the menus and try again
			String dialog = null;
			for (int attempt = 1; dialog == null && attempt <= 3; attempt++) {
				chooseSaliencyFromTheMenu(shots, 300 * attempt);
				dialog = findWindow("^Saliency Map$", 30);
				if (dialog == null) for (int i = 0; i < 4; i++) x("xdotool", "key", "Escape");
			}
			if (dialog == null) fail("Plugins > Explain-IJ > Attribution > Saliency Map opened no dialog:\n" + printed());
			Thread.sleep(700); // let AWT paint the dialog before the screenshot
			x("import", "-window", dialog, shots.resolve("dialog.png").toString());
			x("import", "-window", "root", "-crop", "1000x560+0+0", "+repage", shots.resolve("dialog_screen.png").toString());
			clickOk(dialog);
			waitForFile(out.resolve("menu_done"));
			x("import", "-window", "root", "-crop", "630x330+0+0", "+repage", shots.resolve("result.png").toString());
			Files.writeString(out.resolve("go"), "go");
			final String refusal = waitForWindow("^Explain-IJ$");
			Thread.sleep(500);
			x("import", "-window", refusal, shots.resolve("refusal.png").toString());
			clickAt(refusal, 0.5, 20);
			Files.writeString(out.resolve("go2"), "go");
			if (!imagej.waitFor(STEP_SECONDS, TimeUnit.SECONDS)) fail("ImageJ did not quit:\n" + printed());
		}
		finally {
			if (imagej.isAlive()) imagej.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		}
		assertTrue(Files.exists(out.resolve("macro_done")), "the macro did not finish:\n" + printed());

		// Grad-CAM on the attribution was refused before any dialog: no new image
		assertEquals("2", Files.readString(out.resolve("images_after_refusal.txt")).trim());

		// the menu entry is the plugins.config one, reached through ImageJ's plugin class loader
		assertEquals("io.github.explainij.ij1.CommandBridge(\"saliency\")", Files.readString(out.resolve("menu_entry.txt")).trim());

		// values: the dialog's run (defaults, model from the preferences) and the macro's run, as computed here
		final ImagePlus image = IJ.openImage(sample.toString());
		final ImagePlus saliency = IJ.openImage(out.resolve("saliency.tif").toString());
		assertNotNull(saliency, "no saliency result:\n" + printed());
		final ExplainRequest r = new ExplainRequest(TestData.network(model), ImagePlusAdapter.currentPlanes(image), TargetSpec.predicted(),
			ScoreKind.LOGIT);
		assertRelativeClose(ImagePlusAdapter.toChw(new SaliencyMap(true, false).explain(r).map()), (float[]) saliency.getProcessor().getPixels(), 1e-6,
			"Saliency Map from the menu");
		assertEquals(model.toString(), saliency.getProp("model"));
		final ImagePlus gradcam = IJ.openImage(out.resolve("gradcam.tif").toString());
		assertNotNull(gradcam, "no Grad-CAM result:\n" + printed());
		final Context context = new Context();
		try {
			final Module m = new CommandRunner(context).run(ExplainCommands.byName(context.service(CommandService.class), "grad-cam"), image,
				model.toFile(), Map.of("target", "predicted", "score", "logit", "relu", "true", "layer", "relu3", "show_overlay", "false"));
			assertRelativeClose((float[]) ((ImagePlus) m.getOutput("attribution")).getProcessor().getPixels(),
				(float[]) gradcam.getProcessor().getPixels(), 1e-6, "Grad-CAM from a macro");
		}
		finally {
			context.dispose();
		}
		assertEquals("relu3", gradcam.getProp("layer"));

		// the dialog's values were remembered in ImageJ's preferences (saved when ImageJ quit); the macro's were not
		final String prefs = Files.readString(prefsDir.resolve("IJ_Prefs.txt"), StandardCharsets.ISO_8859_1);
		assertTrue(prefs.contains(".explainij.model_file=" + model), prefs);
		assertTrue(prefs.contains(".explainij.saliency.absolute=true"), prefs);
		assertTrue(prefs.contains(".explainij.target=predicted"), prefs);
		assertTrue(!prefs.contains("grad-cam"), prefs);
	}

	/**
	 * The inside-the-network commands in the real window, as a macro author runs them: Feature Maps shows
	 * its stack, its montage and its table; Activation Maximization its image, trajectory and objective
	 * plot, and records the objective. Screenshots of the screen after each go to target/screenshots/
	 * (inside_feature_maps.png, inside_activation_max.png); the saved maps must equal the activations
	 * computed here.
	 */
	@Test
	void insideTheNetworkCommandsShowTheirResults() throws Exception {
		final boolean haveDisplay = System.getenv("DISPLAY") != null && !System.getenv("DISPLAY").isEmpty();
		require(haveDisplay || onPath("xvfb-run"), "xvfb-run (apt-get install xvfb xauth)");
		require(onPath("import"), "ImageMagick's import (apt-get install imagemagick)");
		final Path ij = installImageJ();
		final Path data = Files.createDirectories(tmp.resolve("models"));
		for (final String f : new String[] { "cells-gap.pt", "cells-gap.json" }) Files.copy(TestData.repo().resolve("models").resolve(f), data.resolve(f));
		final Path sample = data.resolve("mitotic_000.tif");
		Files.copy(TestData.sample("cells", "mitotic_000"), sample);
		final Path model = data.resolve("cells-gap.pt");
		Files.createDirectories(tmp.resolve("home/.imagej"));
		Files.writeString(tmp.resolve("home/.imagej/IJ_Prefs.txt"), "ij.x=10\nij.y=10\n");
		out = Files.createDirectories(tmp.resolve("out"));
		final Path shots = Path.of(System.getProperty("explainij.screenshots", "target/screenshots")).toAbsolutePath();
		Files.createDirectories(shots);
		final Path macro = tmp.resolve("inside.ijm");
		Files.writeString(macro, String.join("\n",
			"open('" + sample + "');",
			"source = getImageID();",
			"run('Feature Maps', 'model_file=[" + model + "] layer=relu1 montage device=auto');",
			"File.saveString(getTitle() + '\\n' + nImages + '\\n' + Table.size('Explain-IJ feature maps') + '\\n' + nSlices, '" +
				out.resolve("feature_maps.txt") + "');",
			"run('Set... ', 'zoom=400');",
			"saveAs('Tiff', '" + out.resolve("feature_maps.tif") + "');",
			"File.saveString('shown', '" + out.resolve("fm_done") + "');",
			"while (!File.exists('" + out.resolve("go") + "')) wait(100);",
			"selectImage(source);",
			"run('Activation Maximization', 'model_file=[" + model + "] objective=class target=mitotic steps=20 step_size=0.5 " +
				"init=noise parameterization=pixel record_every=5 seed=1 device=auto');",
			"File.saveString(Property.get('objective_start') + '\\n' + Property.get('objective_end') + '\\n' + nImages, '" +
				out.resolve("activation_max.txt") + "');",
			"File.saveString('shown', '" + out.resolve("am_done") + "');",
			"while (!File.exists('" + out.resolve("go2") + "')) wait(100);",
			"File.saveString('done', '" + out.resolve("macro_done") + "');",
			"run('Quit');", ""));
		launch(ij, macro, haveDisplay);
		try {
			waitForFile(out.resolve("fm_done"));
			Thread.sleep(1500); // let AWT paint the windows
			x("import", "-window", "root", shots.resolve("inside_feature_maps.png").toString());
			Files.writeString(out.resolve("go"), "go");
			waitForFile(out.resolve("am_done"));
			Thread.sleep(1500);
			x("import", "-window", "root", shots.resolve("inside_activation_max.png").toString());
			Files.writeString(out.resolve("go2"), "go");
			if (!imagej.waitFor(STEP_SECONDS, TimeUnit.SECONDS)) fail("ImageJ did not quit:\n" + printed());
		}
		finally {
			if (imagej.isAlive()) imagej.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		}
		assertTrue(Files.exists(out.resolve("macro_done")), "the macro did not finish:\n" + printed());
		// the stack (active), its montage and the source are open; the table has a row per channel
		final List<String> fm = Files.readAllLines(out.resolve("feature_maps.txt"));
		assertTrue(fm.get(0).startsWith("Feature maps of relu1"), fm.get(0));
		assertEquals(List.of("3", "16", "16"), fm.subList(1, 4));
		final ImagePlus image = IJ.openImage(sample.toString());
		final io.github.explainij.inspect.FeatureMaps maps = io.github.explainij.inspect.FeatureMaps.of(TestData.network(model),
			ImagePlusAdapter.planes(ImagePlusAdapter.currentPlanes(image)), image.getWidth(), image.getHeight(), "relu1");
		final ImagePlus saved = IJ.openImage(out.resolve("feature_maps.tif").toString());
		for (final int c : new int[] { 0, 7, 15 }) {
			assertRelativeClose(maps.channel(c), (float[]) saved.getStack().getProcessor(c + 1).getPixels(), 1e-6, "relu1 channel " + c);
		}
		// the objective rose, and the image, its trajectory and the objective plot opened
		final List<String> am = Files.readAllLines(out.resolve("activation_max.txt"));
		assertTrue(Double.parseDouble(am.get(1)) > Double.parseDouble(am.get(0)) + 1, am.toString());
		assertEquals("6", am.get(2));
	}

	/** A fresh ImageJ 1.x folder: ij.jar, then target/ImageJ (the install the README describes) copied over it. */
	private Path installImageJ() throws Exception {
		final Path installed = Path.of(System.getProperty("explainij.imagejInstall", "target/ImageJ")).toAbsolutePath();
		assertTrue(Files.isDirectory(installed.resolve("plugins/jars")), installed + " is missing: it is built by mvn package");
		final Path ij = tmp.resolve("ImageJ");
		Files.createDirectories(ij);
		Files.copy(ijJar(), ij.resolve("ij.jar"));
		copyTree(installed, ij);
		return ij;
	}

	/** Starts ImageJ as an application in its folder, running the macro, under xvfb-run unless there is a display. */
	private void launch(final Path ij, final Path macro, final boolean haveDisplay) throws IOException {
		final List<String> java = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
			"-Duser.home=" + tmp.resolve("home"), "-jar", "ij.jar", "-port0", "-eval", "runMacro('" + macro + "');");
		final List<String> cmd = new ArrayList<>();
		log = tmp.resolve("imagej.log");
		if (haveDisplay) {
			cmd.addAll(java);
		}
		else {
			display = tmp.resolve("display");
			xauth = tmp.resolve("xauthority");
			cmd.addAll(List.of("xvfb-run", "-a", "-f", xauth.toString(), "-s", "-screen 0 1280x640x24", "bash", "-c",
				"echo \"$DISPLAY\" > '" + display + "'; exec \"$@\"", "imagej"));
			cmd.addAll(java);
		}
		final ProcessBuilder pb = new ProcessBuilder(cmd).directory(ij.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
		// libtorch is unpacked once into DJL's cache; the child's home is the test's, so point it there
		pb.environment().putIfAbsent("DJL_CACHE_DIR", Path.of(System.getProperty("user.home"), ".djl.ai").toString());
		imagej = pb.start();
	}

	private static void require(final boolean ok, final String what) {
		if (ok) return;
		if ("true".equalsIgnoreCase(System.getenv("CI"))) fail("CI needs " + what + " for the real-window test");
		Assumptions.abort("no " + what + ": the real-window test is skipped");
	}

	private static Path ijJar() throws URISyntaxException {
		return Path.of(IJ.class.getProtectionDomain().getCodeSource().getLocation().toURI());
	}

	private static void copyTree(final Path from, final Path to) throws IOException {
		try (Stream<Path> files = Files.walk(from)) {
			for (final Path p : (Iterable<Path>) files::iterator) {
				final Path target = to.resolve(from.relativize(p).toString());
				if (Files.isDirectory(p)) Files.createDirectories(target);
				else Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
			}
		}
	}

	/** Polls for a visible window whose name matches; fails with ImageJ's output if ImageJ stops first. */
	private String waitForWindow(final String name) throws Exception {
		final String id = findWindow(name, STEP_SECONDS);
		if (id == null) fail("no window '" + name + "' after " + STEP_SECONDS + " s:\n" + printed());
		return id;
	}

	/** A visible window whose name matches, or null if none shows within {@code seconds}. */
	private String findWindow(final String name, final long seconds) throws Exception {
		final long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
		while (System.nanoTime() < end) {
			if (!imagej.isAlive()) fail("ImageJ stopped before showing '" + name + "':\n" + printed());
			if (display == null || Files.exists(display)) {
				final Result r = xTry("xdotool", "search", "--onlyvisible", "--name", name);
				if (r.code == 0 && !r.text.isBlank()) return r.text.trim().split("\\s+")[0];
			}
			Thread.sleep(250);
		}
		return null;
	}

	private void waitForFile(final Path file) throws Exception {
		final long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(STEP_SECONDS);
		while (!Files.exists(file)) {
			if (!imagej.isAlive()) fail("ImageJ stopped before " + file.getFileName() + ":\n" + printed());
			if (System.nanoTime() > end) fail("no " + file.getFileName() + " after " + STEP_SECONDS + " s:\n" + printed());
			Thread.sleep(250);
		}
	}

	/**
	 * Plugins > Explain-IJ > Attribution > Saliency Map, as a user does: a click on the menu bar's first
	 * menu (File), then the keyboard: Left three times wraps round to Plugins, Up goes to its last entry
	 * (Explain-IJ, the only plugin folder of this fresh ImageJ), Right opens Explain-IJ, Right opens
	 * Attribution (Saliency Map highlighted), Return chooses it. A screenshot shows the open menu.
	 */
	private void chooseSaliencyFromTheMenu(final Path shots, final int pauseMillis) throws Exception {
		final String main = waitForWindow("^ImageJ$");
		final int[] g = geometry(main);
		x("xdotool", "mousemove", Integer.toString(g[0] + 20), Integer.toString(g[1] + 12), "click", "1");
		for (final String key : new String[] { "Left", "Left", "Left", "Up", "Right", "Right" }) {
			Thread.sleep(pauseMillis); // each menu opens before the next key
			x("xdotool", "key", key);
		}
		Thread.sleep(500);
		x("import", "-window", "root", "-crop", "800x512+0+0", "+repage", shots.resolve("menu.png").toString());
		x("xdotool", "key", "Return");
	}

	/** x, y, width, height of a window. */
	private int[] geometry(final String window) throws Exception {
		final int[] g = new int[4];
		for (final String line : x("xdotool", "getwindowgeometry", "--shell", window).split("\n")) {
			final String[] kv = line.split("=");
			if (kv.length != 2) continue;
			final int v = Integer.parseInt(kv[1].trim());
			switch (kv[0].trim()) {
				case "X": g[0] = v; break;
				case "Y": g[1] = v; break;
				case "WIDTH": g[2] = v; break;
				case "HEIGHT": g[3] = v; break;
				default:
			}
		}
		return g;
	}

	/** Clicks the dialog's OK button, the last one in its bottom-right corner (GenericDialog's layout). */
	private void clickOk(final String window) throws Exception {
		clickAt(window, -39, 22);
	}

	/**
	 * Clicks in a window at {@code fromBottom} pixels above its bottom edge and, horizontally, at
	 * {@code x} (a fraction of the width when between 0 and 1, else pixels from the right edge when negative).
	 */
	private void clickAt(final String window, final double x, final int fromBottom) throws Exception {
		final int[] g = geometry(window);
		final int cx = x > 0 && x < 1 ? g[0] + (int) Math.round(g[2] * x) : g[0] + g[2] + (int) x;
		x("xdotool", "mousemove", Integer.toString(cx), Integer.toString(g[1] + g[3] - fromBottom), "click", "1");
	}

	private String x(final String... command) throws Exception {
		final Result r = xTry(command);
		if (r.code != 0) fail(String.join(" ", command) + " failed: " + r.text + "\n" + printed());
		return r.text;
	}

	private Result xTry(final String... command) throws Exception {
		final ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
		if (display != null) {
			pb.environment().put("DISPLAY", Files.readString(display).trim());
			pb.environment().put("XAUTHORITY", xauth.toString());
		}
		final Process p = pb.start();
		final String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		p.waitFor(60, TimeUnit.SECONDS);
		return new Result(p.exitValue(), text);
	}

	private String printed() throws IOException {
		return log != null && Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
	}

	private static boolean onPath(final String exe) {
		for (final String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
			if (new File(dir, exe).canExecute()) return true;
		}
		return false;
	}

	private static final class Result {

		final int code;
		final String text;

		Result(final int code, final String text) {
			this.code = code;
			this.text = text;
		}
	}
}
