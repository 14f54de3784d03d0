package io.github.explainij.cli;

import ij.ImagePlus;
import ij.gui.Plot;

import io.github.explainij.ExplainException;
import io.github.explainij.Failure;
import io.github.explainij.command.AnalysisCommand;
import io.github.explainij.command.AnalysisResults;
import io.github.explainij.command.ExplainCommands;
import io.github.explainij.command.Options;
import io.github.explainij.model.ModelSpec;

import org.scijava.Context;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandModule;
import org.scijava.module.Module;
import org.scijava.module.ModuleItem;

import java.io.File;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The command line of the inside-the-network and evaluation commands:
 *
 * <pre>
 * java -jar explain-ij.jar feature-maps --model M.pt --image I.tif --param layer=relu1 [--out O.tif] [--table T.csv]
 * java -jar explain-ij.jar dataset-search --model M.pt --input-dir DIR --param layer=relu3 --param channel=5
 * </pre>
 *
 * The main image goes to {@code --out} (default {@code <image or folder name>_<command>.tif}, never
 * replacing a file), other images beside it as {@code <out>_<name>.tif}, plots as {@code <out>_<name>.png},
 * texts as {@code <out>_<name>.<suffix>}, the table to {@code --table} (default {@code <out>.csv}); named
 * values are printed. The same file rules as every run ({@link Outputs}).
 */
final class Analyses {

	private Analyses() {}

	static int run(final Context context, final CommandInfo info, final Main.Arguments a, final PrintStream out) {
		final boolean takesImage = ExplainCommands.takesImage(info);
		final boolean takesFolder = info.getInput(Options.INPUT_DIR) != null;
		if (a.help) return help(context, info, takesImage, takesFolder, out);
		final String usage = " (java -jar explain-ij.jar " + info.getName() + " --help)";
		if (a.model == null) throw new ExplainException("--model M.pt is required" + usage);
		if (takesImage && a.image == null) throw new ExplainException("--image I.tif is required" + usage);
		if (!takesImage && a.image != null) {
			throw new ExplainException(info.getName() + " takes no --image" + (takesFolder ? ": give the folder with --input-dir DIR" : "") + usage);
		}
		if (a.overlay != null) throw new ExplainException(info.getName() + " makes no --overlay figure; its outputs are --out and --table" + usage);
		final String stem = a.image != null ? Main.baseName(a.image)
			: a.params.containsKey(Options.INPUT_DIR) ? new File(a.params.get(Options.INPUT_DIR)).getAbsoluteFile().getName() : "model";
		final Path main = (a.out != null ? a.out : new File(stem + "_" + info.getName() + ".tif")).toPath();
		final Outputs outputs = new Outputs().input("--model", a.model.toPath()).input("model's sidecar", ModelSpec.sidecarOf(a.model.toPath()));
		if (a.image != null) outputs.input("--image", a.image.toPath());
		if (a.params.containsKey(Options.MASK)) outputs.input("--mask", Path.of(a.params.get(Options.MASK)));
		outputs.plan("--out", main, a.out != null);
		final Path table = a.table != null ? a.table.toPath() : main.toAbsolutePath().resolveSibling(Main.baseName(main.toFile()) + ".csv");
		if (a.table != null) outputs.plan("--table", table, true);
		final ImagePlus image = a.image == null ? null : Main.openImage(a.image);
		final AnalysisResults r;
		try {
			r = analyse(context, info, image, a.model, a.params);
		}
		catch (final ExplainException e) {
			throw new ExplainException(Main.inCliWords(e.getMessage(), info, a.params), e);
		}
		// the other outputs are known now; they are checked like --out before anything is written
		final Map<Path, Output> files = files(r, main, table);
		for (final Map.Entry<Path, Output> f : files.entrySet()) {
			if (f.getKey().equals(main) || f.getKey().equals(table) && a.table != null) continue;
			outputs.plan(f.getValue().what, f.getKey(), f.getKey().equals(table) ? false : a.out != null);
		}
		if (r.table() == null && a.table != null) throw new ExplainException(info.getName() + " makes no table: leave out --table");
		for (final Map.Entry<String, String> p : r.properties().entrySet()) out.println(p.getKey() + ": " + p.getValue());
		for (final Output f : files.values()) out.println(f.write.get());
		return Main.OK;
	}

	/** One file of an analysis's results: how the command line names it, and what writes it ("wrote ..."). */
	static final class Output {

		final String what;
		final java.util.function.Supplier<String> write;

		Output(final String what, final java.util.function.Supplier<String> write) {
			this.what = what;
			this.write = write;
		}
	}

	/**
	 * The files of an analysis's results: the main image at {@code main}, other images beside it as
	 * {@code <main>_<name>.tif}, plots as {@code <main>_<name>.png}, texts as {@code <main>_<name>.<suffix>},
	 * the table at {@code table}.
	 */
	static Map<Path, Output> files(final AnalysisResults r, final Path main, final Path table) {
		final Map<Path, Output> files = new LinkedHashMap<>();
		final String base = Main.baseName(main.toFile());
		boolean first = true;
		for (final Map.Entry<String, ImagePlus> e : r.images().entrySet()) {
			final Path f = first ? main : main.toAbsolutePath().resolveSibling(base + "_" + e.getKey() + ".tif");
			files.put(f, new Output(first ? "--out" : "the " + e.getKey() + " image beside --out", () -> Outputs.tiff(e.getValue(), f)));
			first = false;
		}
		for (final Map.Entry<String, Plot> e : r.plots().entrySet()) {
			final Path f = main.toAbsolutePath().resolveSibling(base + "_" + e.getKey() + ".png");
			files.put(f, new Output("the " + e.getKey() + " plot beside --out", () -> Outputs.png(e.getValue().getImagePlus(), f)));
		}
		for (final Map.Entry<String, AnalysisResults.Text> e : r.texts().entrySet()) {
			final Path f = main.toAbsolutePath().resolveSibling(base + "_" + e.getKey() + "." + e.getValue().suffix);
			files.put(f, new Output("the " + e.getKey() + " beside --out", () -> Outputs.text(List.of(e.getValue().content.split("\n", -1)), f)));
		}
		if (r.table() != null) files.put(table, new Output("the table beside --out", () -> Outputs.table(r.table(), table)));
		return files;
	}

	/** Runs an analysis command headless and returns its results; bad input throws its one line. */
	static AnalysisResults analyse(final Context context, final CommandInfo info, final ImagePlus image, final File model,
		final Map<String, String> params)
	{
		final Module module = new CommandRunner(context).run(info, image, model, params);
		final AnalysisCommand command = (AnalysisCommand) ((CommandModule) module).getCommand();
		final String why = ExplainCommands.cancelReason(module);
		if (why != null && command.unexpectedFailure() != null) throw new Failure.Reported(why, command.unexpectedFailure());
		if (why != null) throw new ExplainException(why);
		return command.results();
	}

	private static int help(final Context context, final CommandInfo info, final boolean takesImage, final boolean takesFolder,
		final PrintStream out)
	{
		out.println(info.getName() + ": " + info.getTitle() + "  (" + info.getMenuPath().getMenuString() + ")");
		if (info.getDescription() != null) out.println("    " + info.getDescription());
		out.println("usage: java -jar explain-ij.jar " + info.getName() + " --model M.pt" + (takesImage ? " --image I.tif" : "") +
			(takesFolder ? " --input-dir DIR" : "") + (info.getInput(Options.MASK) != null ? " [--mask M.tif]" : "") +
			" [--out O.tif] [--table T.csv] [--param key=value ...]");
		out.println("    --model M.pt  a TorchScript model; its sidecar M.json (same name) gives classes and normalization");
		if (takesImage) out.println("    --image I.tif  the image (its current plane, all channels)");
		out.println("    --out O.tif  the main image (default: <image or folder name>_" + info.getName() + ".tif in the current folder, " +
			"never replacing a file; a file named here is replaced); other images, plots and reports are written beside it");
		out.println("    --table T.csv  the results table (default: beside --out, as <out>.csv)");
		for (final ModuleItem<?> item : ExplainCommands.userInputs(info)) {
			if (item.getName().equals(Options.MODEL_FILE)) continue;
			if (item.getName().equals(Options.INPUT_DIR)) {
				out.println("    --input-dir DIR  " + (item.getDescription() == null ? "" : item.getDescription()));
				continue;
			}
			if (item.getName().equals(Options.MASK)) {
				out.println("    --mask M.tif  " + (item.getDescription() == null ? "" : item.getDescription()));
				continue;
			}
			out.println("    " + Main.parameterLine(context, info, item));
		}
		return Main.OK;
	}
}
