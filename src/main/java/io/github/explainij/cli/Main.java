package io.github.explainij.cli;

import ij.IJ;
import ij.ImagePlus;
import ij.io.FileSaver;

import io.github.explainij.ExplainException;
import io.github.explainij.command.ExplainCommands;
import io.github.explainij.command.Options;
import io.github.explainij.image.ImageFiles;
import io.github.explainij.render.Heatmap;

import org.scijava.Context;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandService;
import org.scijava.log.LogLevel;
import org.scijava.log.LogService;
import org.scijava.module.Module;
import org.scijava.module.ModuleItem;

import java.io.File;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The headless command line:
 *
 * <pre>
 * java -jar explain-ij.jar &lt;method&gt; --model M.pt --image I.tif [--target N|name]
 *      [--out O.tif] [--overlay O.png] [--param key=value ...]
 * java -jar explain-ij.jar demo [--out DIR]
 * java -jar explain-ij.jar list
 * </pre>
 *
 * Other image outputs of a command (e.g. a per-window map) are written beside {@code --out} as
 * {@code <out>_<output name>.tif}. Exit status 0 on success, 2 with a one-line reason on bad input, 1
 * on an unexpected failure.
 */
public final class Main {

	static final int OK = 0;
	static final int FAILED = 1;
	static final int BAD_INPUT = 2;

	private Main() {}

	public static void main(final String[] args) {
		System.setProperty("java.awt.headless", "true");
		if (System.getProperty("ai.djl.offline") == null) System.setProperty("ai.djl.offline", "true");
		System.exit(run(args, System.out, System.err));
	}

	static final String USAGE = String.join("\n",
		"usage: java -jar explain-ij.jar <method> --model M.pt --image I.tif [--target N|name]",
		"                                [--out O.tif] [--overlay O.png] [--param key=value ...]",
		"                                [--region R.tif [--table T.csv]] [--planes all]",
		"       java -jar explain-ij.jar demo [--out DIR]",
		"       java -jar explain-ij.jar benchmark [--out FILE.md] [--methods a,b] [--sizes 64,512] [--param key=value]",
		"       java -jar explain-ij.jar list          (methods, their parameters and defaults)");

	/** Runs the command line and returns the exit status (for tests: no System.exit). */
	public static int run(final String[] args, final PrintStream out, final PrintStream err) {
		if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help") || args[0].equals("help")) {
			(args.length == 0 ? err : out).println(USAGE);
			return args.length == 0 ? BAD_INPUT : OK;
		}
		try (Context context = new Context()) {
			// Problems reach the user as one line on stderr (below), not also through the log.
			context.service(LogService.class).setLevel(LogLevel.NONE);
			final String verb = args[0];
			if (verb.equals("list")) return list(context, out);
			if (verb.equals("demo")) return Demo.run(context, args, out);
			if (verb.equals("benchmark")) return Benchmark.run(context, args, out);
			return method(context, args, out);
		}
		catch (final ExplainException e) {
			err.println("error: " + e.getMessage());
			return BAD_INPUT;
		}
		catch (final RuntimeException e) {
			err.println("error: unexpected failure: " + e);
			e.printStackTrace(err);
			return FAILED;
		}
	}

	private static int list(final Context context, final PrintStream out) {
		final CommandService commands = context.service(CommandService.class);
		for (final CommandInfo info : ExplainCommands.all(commands)) {
			out.println(info.getName() + "  (" + info.getMenuPath().getMenuString() + ")");
			if (info.getDescription() != null) out.println("    " + info.getDescription());
			for (final ModuleItem<?> item : ExplainCommands.userInputs(info)) {
				if (item.getName().equals(Options.MODEL_FILE)) continue;
				final Object def = defaultValue(context, info, item);
				out.println(String.format("    --param %s=%s  (default: %s)", item.getName(), ExplainCommands.typeWord(item), def));
			}
		}
		return OK;
	}

	private static Object defaultValue(final Context context, final CommandInfo info, final ModuleItem<?> item) {
		final Module m = context.service(org.scijava.module.ModuleService.class).createModule(info);
		return m.getInput(item.getName());
	}

	/** Parsed common options; {@code params} holds the rest by macro key. */
	static final class Arguments {

		String method;
		File model;
		File image;
		File out;
		File overlay;
		File table;
		final Map<String, String> params = new LinkedHashMap<>();
		final List<String> positional = new ArrayList<>();

		static Arguments parse(final String[] args) {
			final Arguments a = new Arguments();
			a.method = args[0];
			for (int i = 1; i < args.length; i++) {
				final String arg = args[i];
				if (!arg.startsWith("--")) {
					a.positional.add(arg);
					continue;
				}
				if (i + 1 >= args.length) throw new ExplainException(arg + " needs a value\n" + USAGE);
				final String value = args[++i];
				switch (arg) {
					case "--model": a.model = new File(value); break;
					case "--image": a.image = new File(value); break;
					case "--out": a.out = new File(value); break;
					case "--overlay": a.overlay = new File(value); break;
					case "--target": a.params.put(Options.TARGET, value); break;
					case "--device": a.params.put(Options.DEVICE, value); break;
					case "--region":
						a.params.put(Options.REGION, Options.REGION_LABELS);
						a.params.put(Options.LABEL_IMAGE, value);
						break;
					case "--table": a.table = new File(value); break;
					case "--planes": a.params.put(Options.PLANES, value); break;
					case "--param":
						final int eq = value.indexOf('=');
						if (eq <= 0) throw new ExplainException("--param takes key=value, not '" + value + "'");
						a.params.put(value.substring(0, eq).trim(), value.substring(eq + 1).trim());
						break;
					default:
						throw new ExplainException("unknown option " + arg + "\n" + USAGE);
				}
			}
			if (!a.positional.isEmpty()) throw new ExplainException("unexpected argument(s) " + a.positional + "\n" + USAGE);
			return a;
		}
	}

	private static int method(final Context context, final String[] args, final PrintStream out) {
		final Arguments a = Arguments.parse(args);
		final CommandInfo info = ExplainCommands.byName(context.service(CommandService.class), a.method);
		if (info == null) {
			throw new ExplainException("unknown method '" + a.method + "'; 'list' shows the methods");
		}
		if (a.model == null) throw new ExplainException("--model M.pt is required");
		if (a.image == null) throw new ExplainException("--image I.tif is required");
		final ImagePlus image = openImage(a.image);
		final File tif = a.out != null ? a.out : new File(baseName(a.image) + "_" + a.method + ".tif");
		final Result r = explain(context, info, image, a.model, a.params);
		save(r.attribution, tif);
		out.println(r.summary());
		for (final Map.Entry<String, ImagePlus> extra : r.extras.entrySet()) {
			final File f = new File(tif.getAbsoluteFile().getParentFile(), baseName(tif) + "_" + extra.getKey() + ".tif");
			save(extra.getValue(), f);
			out.println("wrote " + f.getPath());
		}
		if (r.prop("device_note") != null) out.println("note: " + r.prop("device_note"));
		out.println("wrote " + tif.getPath());
		if (a.table != null) {
			if (r.table == null) {
				throw new ExplainException("--table writes the per-object table (give the objects with --region R.tif) or the per-channel " +
					"table (--param per_channel=true, or channel-ablation)");
			}
			mkdirs(a.table);
			if (!r.table.save(a.table.getPath())) throw new ExplainException("cannot write " + a.table);
			out.println("wrote " + a.table.getPath());
		}
		if (a.overlay != null) {
			savePng(Heatmap.flatten(image), a.overlay);
			out.println("wrote " + a.overlay.getPath());
		}
		return OK;
	}

	/** One explanation's output. */
	static final class Result {

		final ImagePlus attribution;
		/** Other image outputs of the command, by output name. */
		final Map<String, ImagePlus> extras = new LinkedHashMap<>();
		/** The per-object table, or null. */
		ij.measure.ResultsTable table;

		Result(final ImagePlus attribution) {
			this.attribution = attribution;
		}

		String prop(final String key) {
			return attribution.getProp(key);
		}

		String summary() {
			return prop("method") + ": target " + prop("target_class") + " (" + prop("target_name") + "), " + prop("score") + " " +
				prop("score_value") + "; predicted " + prop("predicted_class") + " (" + prop("predicted_name") + ")";
		}
	}

	static Result explain(final Context context, final CommandInfo info, final ImagePlus image, final File model,
		final Map<String, String> params)
	{
		final Map<String, String> p = new LinkedHashMap<>(params);
		p.putIfAbsent(Options.SHOW_OVERLAY, "true");
		final Module module = new CommandRunner(context).run(info, image, model, p);
		final String why = ExplainCommands.cancelReason(module);
		if (why != null) throw new ExplainException(why);
		final ImagePlus attribution = (ImagePlus) module.getOutput(Options.ATTRIBUTION);
		if (attribution == null) throw new ExplainException(info.getName() + " produced no attribution");
		final Result result = new Result(attribution);
		if (module instanceof org.scijava.command.CommandModule &&
			((org.scijava.command.CommandModule) module).getCommand() instanceof io.github.explainij.command.AttributionCommand)
		{
			result.table = ((io.github.explainij.command.AttributionCommand) ((org.scijava.command.CommandModule) module).getCommand()).resultsTable();
		}
		for (final ModuleItem<?> item : info.outputs()) {
			final Object value = module.getOutput(item.getName());
			if (!item.getName().equals(Options.ATTRIBUTION) && value instanceof ImagePlus) result.extras.put(item.getName(), (ImagePlus) value);
		}
		return result;
	}

	static ImagePlus openImage(final File file) {
		return ImageFiles.open(file, "image");
	}

	static void save(final ImagePlus imp, final File file) {
		mkdirs(file);
		final boolean ok = imp.getStackSize() > 1 ? new FileSaver(imp).saveAsTiffStack(file.getPath()) : new FileSaver(imp).saveAsTiff(file.getPath());
		if (!ok) throw new ExplainException("cannot write " + file);
	}

	static void savePng(final ImagePlus imp, final File file) {
		mkdirs(file);
		if (!new FileSaver(imp).saveAsPng(file.getPath())) throw new ExplainException("cannot write " + file);
	}

	private static void mkdirs(final File file) {
		final File dir = file.getAbsoluteFile().getParentFile();
		if (dir != null) {
			try {
				Files.createDirectories(dir.toPath());
			}
			catch (final java.io.IOException e) {
				throw new ExplainException("cannot create folder " + dir + ": " + e.getMessage());
			}
		}
	}

	static String baseName(final File f) {
		final String n = f.getName();
		final int dot = n.lastIndexOf('.');
		return dot > 0 ? n.substring(0, dot) : n;
	}

	static Path repoFolder(final String name) {
		final Path here = Path.of(name);
		if (Files.isDirectory(here)) return here;
		try {
			// next to the jar's folder (target/explain-ij.jar -> ../name)
			final Path jar = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
			final Path beside = jar.getParent().getParent().resolve(name);
			if (Files.isDirectory(beside)) return beside;
		}
		catch (final Exception e) {
			// fall through
		}
		throw new ExplainException("cannot find the folder '" + name + "': run the demo from the repository's top folder");
	}
}
