package io.github.explainij.cli;

import ij.ImagePlus;

import io.github.explainij.ExplainException;
import io.github.explainij.Failure;
import io.github.explainij.command.AttributionCommand;
import io.github.explainij.command.ExplainCommands;
import io.github.explainij.command.Options;
import io.github.explainij.image.ImageFiles;
import io.github.explainij.model.Engines;
import io.github.explainij.model.ModelService;
import io.github.explainij.render.Figures;

import org.scijava.Context;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;
import org.scijava.convert.ConvertService;
import org.scijava.log.LogLevel;
import org.scijava.log.LogService;
import org.scijava.module.Module;
import org.scijava.module.ModuleItem;
import org.scijava.prefs.PrefService;

import java.io.File;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The headless command line:
 *
 * <pre>
 * java -jar explain-ij.jar &lt;method&gt; --model M.pt --image I.tif [--target N|name] [--device auto|cpu|gpu]
 *      [--out O.tif] [--overlay O.png] [--param key=value ...]
 * java -jar explain-ij.jar &lt;method&gt; --help
 * java -jar explain-ij.jar demo [--out DIR]
 * java -jar explain-ij.jar list
 * </pre>
 *
 * Other image outputs of a command (e.g. a per-window map) are written beside {@code --out} as
 * {@code <out>_<output name>.tif}. No output may be an input file, and an existing file is replaced only
 * where the user named it ({@link Outputs}). Exit status 0 on success, 2 with a one-line reason on bad
 * input, 1 with one line and the path of a log file holding the stack trace on an internal failure
 * ({@link Failure}). Messages name options as they are typed here ({@code --model},
 * {@code --param window=...}), and a mistyped name gets a "did you mean".
 */
public final class Main {

	static final int OK = 0;
	static final int FAILED = 1;
	static final int BAD_INPUT = 2;

	/** The options of a method run, as typed. */
	static final List<String> OPTIONS = List.of("--model", "--image", "--target", "--device", "--out", "--overlay", "--region", "--table",
		"--planes", "--input-dir", "--mask", "--param", "--help");

	/** Inputs that have their own option; every other input is a {@code --param}. */
	private static final Map<String, String> OWN_OPTION = Map.of(Options.MODEL_FILE, "--model", Options.TARGET, "--target",
		Options.DEVICE, "--device");

	private Main() {}

	public static void main(final String[] args) {
		System.setProperty("java.awt.headless", "true");
		if (System.getProperty("ai.djl.offline") == null) System.setProperty("ai.djl.offline", "true");
		System.exit(run(args, System.out, System.err));
	}

	static final String USAGE = String.join("\n",
		"usage: java -jar explain-ij.jar <method> --model M.pt --image I.tif [--target N|name] [--device auto|cpu|gpu]",
		"                                [--out O.tif] [--overlay O.png] [--param key=value ...]",
		"                                [--region R.tif [--table T.csv]] [--planes all] [--memory 8G|70%]",
		"       java -jar explain-ij.jar <analysis> --model M.pt [--image I.tif] [--input-dir DIR] [--mask M.tif]",
		"                                [--out O.tif] [--table T.csv] [--param key=value ...]",
		"       java -jar explain-ij.jar <method> --help   (the method's parameters, with their defaults)",
		"       java -jar explain-ij.jar demo [--out DIR]",
		"       java -jar explain-ij.jar benchmark [--out FILE.md] [--methods a,b] [--sizes 64,512] [--param key=value]",
		"       java -jar explain-ij.jar long-run [--runs 2000] [--warmup 500] [--methods a,b]   (resident memory over thousands of runs)",
		"       java -jar explain-ij.jar list              (every method with its parameters)");

	/** The usage with the installed methods and analyses. */
	static String usage(final Context context) {
		final List<String> analyses = analysisNames(context);
		return USAGE + "\nmethods: " + String.join(", ", methodNames(context)) +
			(analyses.isEmpty() ? "" : "\nanalyses (inside the network, evaluation): " + String.join(", ", analyses));
	}

	private static List<String> methodNames(final Context context) {
		return ExplainCommands.all(context.service(CommandService.class)).stream().map(CommandInfo::getName).toList();
	}

	private static List<String> analysisNames(final Context context) {
		return ExplainCommands.analyses(context.service(CommandService.class)).stream().map(CommandInfo::getName).toList();
	}

	private static boolean isHelp(final String arg) {
		return arg.equals("-h") || arg.equals("--help") || arg.equals("help");
	}

	/** Runs the command line and returns the exit status (for tests: no System.exit). */
	public static int run(final String[] arguments, final PrintStream out, final PrintStream err) {
		if (arguments.length > 0 && !arguments[0].equals("list") && !isHelp(arguments[0])) Engines.preload();
		try (MemoryOption memory = MemoryOption.take(arguments); Context context = newContext()) {
			return run(context, memory.remaining(), out, err);
		}
		catch (final Throwable e) {
			return fail(e, arguments, err);
		}
	}

	/**
	 * The command line's context: the services its commands use (models, commands and modules, conversion of
	 * parameter values, preferences, logging) and what they need, not every service on the class path. It
	 * starts in about half the time (0.23 against 0.42 s here); no user interface service, so nothing on the
	 * command line can open a dialog.
	 */
	static Context newContext() {
		return new Context(CommandService.class, ModelService.class, ConvertService.class, PrefService.class, LogService.class);
	}

	/** Runs the command line in a given context (tests add commands to it); failures become exit codes. */
	static int run(final Context context, final String[] args, final PrintStream out, final PrintStream err) {
		try {
			// Problems reach the user as one line on stderr (below), not also through the log.
			context.service(LogService.class).setLevel(LogLevel.NONE);
			if (args.length == 0 || isHelp(args[0])) {
				(args.length == 0 ? err : out).println(usage(context));
				return args.length == 0 ? BAD_INPUT : OK;
			}
			final String verb = args[0];
			if (verb.equals("list")) return list(context, out);
			if (verb.equals("demo")) return Demo.run(context, args, out);
			if (verb.equals("benchmark")) return Benchmark.run(context, args, out);
			if (verb.equals("long-run")) return LongRun.run(context, args, out);
			return method(context, args, out);
		}
		catch (final Throwable e) {
			return fail(e, args, err);
		}
	}

	/**
	 * The exit-code contract ({@link Failure}): bad input prints one line and gives 2; anything else (an
	 * {@code Error} too) writes its stack trace to a log file, prints one line with the cause and that
	 * file, and gives 1. Never a stack trace on the console.
	 */
	static int fail(final Throwable e, final String[] args, final PrintStream err) {
		if (Failure.isBadInput(e)) {
			err.println("error: " + Failure.badInputMessage(e));
			return BAD_INPUT;
		}
		err.println("error: " + Failure.report(e, "java -jar explain-ij.jar " + String.join(" ", args)));
		return FAILED;
	}

	private static int list(final Context context, final PrintStream out) {
		final CommandService commands = context.service(CommandService.class);
		for (final CommandInfo info : ExplainCommands.commands(commands)) {
			out.println(info.getName() + "  (" + info.getMenuPath().getMenuString() + ")");
			if (info.getDescription() != null) out.println("    " + info.getDescription());
			for (final ModuleItem<?> item : ExplainCommands.userInputs(info)) {
				if (item.getName().equals(Options.MODEL_FILE)) continue;
				out.println("    " + parameterLine(context, info, item));
			}
		}
		return OK;
	}

	/** {@code --param key=type  (default: value)  description}, or {@code --target text ...} for inputs with their own option. */
	static String parameterLine(final Context context, final CommandInfo info, final ModuleItem<?> item) {
		final String own = OWN_OPTION.get(item.getName());
		final String head = own != null ? own + " " + ExplainCommands.typeWord(item) : "--param " + item.getName() + "=" + ExplainCommands.typeWord(item);
		final String description = item.getDescription() == null || item.getDescription().isEmpty() ? "" : "  " + item.getDescription();
		return String.format("%s  (default: %s)%s", head, defaultValue(context, info, item), description);
	}

	/** {@code <method> --help}: what the method does, how to call it, and every parameter with its default. */
	private static int help(final Context context, final CommandInfo info, final PrintStream out) {
		out.println(info.getName() + ": " + info.getTitle() + "  (" + info.getMenuPath().getMenuString() + ")");
		if (info.getDescription() != null) out.println("    " + info.getDescription());
		out.println("usage: java -jar explain-ij.jar " + info.getName() + " --model M.pt --image I.tif [--target N|name] [--device auto|cpu|gpu]");
		out.println("       [--out O.tif] [--overlay O.png] [--param key=value ...]");
		out.println("    --model M.pt  a TorchScript classifier; its sidecar M.json (same name) gives classes and normalization");
		out.println("    --image I.tif  the image to explain (its current plane, all channels)");
		out.println("    --out O.tif  the raw 32-bit attribution (default: <image name>_" + info.getName() + ".tif in the current folder, " +
			"never replacing a file; a file named here is replaced)");
		out.println("    --overlay O.png  a figure: the image with the coloured map, enlarged, with a colour bar and a title");
		for (final ModuleItem<?> item : ExplainCommands.userInputs(info)) {
			if (item.getName().equals(Options.MODEL_FILE)) continue;
			out.println("    " + parameterLine(context, info, item));
		}
		return OK;
	}

	static Object defaultValue(final Context context, final CommandInfo info, final ModuleItem<?> item) {
		final Module m = context.service(org.scijava.module.ModuleService.class).createModule(info);
		return m.getInput(item.getName());
	}

	/** How the command line spells an input: {@code --model}, {@code --target}, {@code --device}, else {@code --param name}. */
	static String spelled(final String input) {
		return OWN_OPTION.getOrDefault(input, "--param " + input);
	}

	/**
	 * A command's message in the command line's words: a message that starts with an input's name (as
	 * the commands' messages do: "window must be at least 1 pixel") names it as typed here, with the
	 * value given ("--param window=0: window must be ..."); {@code model_file} becomes {@code --model}.
	 */
	static String inCliWords(final String message, final CommandInfo info, final Map<String, String> given) {
		String m = message.replaceAll("\\bmodel_file\\b", "--model");
		final List<String> names = new ArrayList<>();
		for (final ModuleItem<?> item : ExplainCommands.userInputs(info)) names.add(item.getName());
		names.sort((x, y) -> y.length() - x.length());
		for (final String name : names) {
			if (!m.startsWith(name) || m.length() > name.length() && (Character.isLetterOrDigit(m.charAt(name.length())) ||
				m.charAt(name.length()) == '_')) continue;
			final String value = given.get(name);
			if (value == null) return spelled(name) + m.substring(name.length());
			final String typed = OWN_OPTION.containsKey(name) ? spelled(name) + " " + value : spelled(name) + "=" + value;
			return typed + ": " + m;
		}
		return m;
	}

	/** Parsed common options; {@code params} holds the rest by macro key. */
	static final class Arguments {

		String method;
		File model;
		File image;
		File out;
		File overlay;
		File table;
		boolean help;
		final Map<String, String> params = new LinkedHashMap<>();
		final List<String> positional = new ArrayList<>();

		static Arguments parse(final String[] args) {
			final Arguments a = new Arguments();
			a.method = args[0];
			for (int i = 1; i < args.length; i++) {
				final String arg = args[i];
				if (arg.equals("--help") || arg.equals("-h")) {
					a.help = true;
					continue;
				}
				if (!arg.startsWith("--")) {
					a.positional.add(arg);
					continue;
				}
				if (!OPTIONS.contains(arg)) {
					throw new ExplainException("unknown option " + arg + DidYouMean.hint(arg, OPTIONS, "") + " (java -jar explain-ij.jar " +
						a.method + " --help lists the options)");
				}
				if (i + 1 >= args.length) throw new ExplainException(arg + " needs a value (java -jar explain-ij.jar " + a.method + " --help)");
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
					case "--input-dir": a.params.put(Options.INPUT_DIR, value); break;
					case "--mask": a.params.put(Options.MASK, value); break;
					default: // --param
						final int eq = value.indexOf('=');
						if (eq <= 0) throw new ExplainException("--param takes key=value, not '" + value + "'");
						a.params.put(value.substring(0, eq).trim(), value.substring(eq + 1).trim());
						break;
				}
			}
			if (!a.positional.isEmpty()) {
				throw new ExplainException("unexpected argument(s) " + a.positional + ": options are written --name value (java -jar explain-ij.jar " +
					a.method + " --help)");
			}
			return a;
		}
	}

	private static int method(final Context context, final String[] args, final PrintStream out) {
		final CommandInfo info = ExplainCommands.commandByName(context.service(CommandService.class), args[0]);
		if (info == null) {
			final List<String> names = new ArrayList<>(methodNames(context));
			names.addAll(analysisNames(context));
			throw new ExplainException("unknown method '" + args[0] + "'" + DidYouMean.hint(args[0], names, "") + "; the methods are " +
				String.join(", ", methodNames(context)) + (analysisNames(context).isEmpty() ? "" : "; the analyses are " +
				String.join(", ", analysisNames(context))));
		}
		final Arguments a = Arguments.parse(args);
		if (ExplainCommands.isAnalysis(info)) return Analyses.run(context, info, a, out);
		if (a.help) return help(context, info, out);
		if (a.model == null) throw new ExplainException("--model M.pt is required (java -jar explain-ij.jar " + info.getName() + " --help)");
		if (a.image == null) throw new ExplainException("--image I.tif is required (java -jar explain-ij.jar " + info.getName() + " --help)");
		final Path tif = (a.out != null ? a.out : new File(baseName(a.image) + "_" + info.getName() + ".tif")).toPath();
		// every output is planned before any work: none may be an input, an unnamed existing file is kept
		final Outputs outputs = new Outputs().input("--image", a.image.toPath()).input("--model", a.model.toPath())
			.input("model's sidecar", io.github.explainij.model.ModelSpec.sidecarOf(a.model.toPath()));
		if (a.params.containsKey(Options.LABEL_IMAGE)) outputs.input("--region", Path.of(a.params.get(Options.LABEL_IMAGE)));
		outputs.plan("--out", tif, a.out != null);
		final Map<String, Path> extraFiles = new LinkedHashMap<>();
		for (final ModuleItem<?> item : info.outputs()) {
			if (item.getName().equals(Options.ATTRIBUTION) || !ImagePlus.class.isAssignableFrom(item.getType())) continue;
			final Path f = tif.toAbsolutePath().resolveSibling(baseName(tif.toFile()) + "_" + item.getName() + ".tif");
			outputs.plan("the " + item.getName() + " image beside --out", f, a.out != null);
			extraFiles.put(item.getName(), f);
		}
		if (a.table != null) outputs.plan("--table", a.table.toPath(), true);
		if (a.overlay != null) outputs.plan("--overlay", a.overlay.toPath(), true);
		final ImagePlus image = openImage(a.image);
		final Result r;
		try {
			r = explain(context, info, image, a.model, a.params);
		}
		catch (final ExplainException e) {
			throw new ExplainException(inCliWords(e.getMessage(), info, a.params), e);
		}
		if (a.table != null && r.table == null) {
			throw new ExplainException("--table writes the per-object table (give the objects with --region R.tif) or the per-channel " +
				"table (--param per_channel=true, or channel-ablation)");
		}
		out.println(r.summary());
		if (r.prop("device_note") != null) out.println("note: " + r.prop("device_note"));
		for (final Map.Entry<String, ImagePlus> extra : r.extras.entrySet()) {
			out.println(Outputs.tiff(extra.getValue(), extraFiles.get(extra.getKey())));
		}
		out.println(Outputs.tiff(r.attribution, tif));
		if (a.table != null) out.println(Outputs.table(r.table, a.table.toPath()));
		if (a.overlay != null) out.println(Outputs.png(r.figure(image), a.overlay.toPath()));
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

		/** The source image with this result's overlay as a figure: enlarged, titled, with its colour bar. */
		ImagePlus figure(final ImagePlus source) {
			return Figures.overlayFigure(source, prop("method"), attribution.getTitle(), String.format(Locale.ROOT,
				"model %s; %s of %s: %s; predicted %s", prop("model_name"), prop("score"), prop("target_name"), prop("score_value"),
				prop("predicted_name")));
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
		if (why != null && command(module) != null && command(module).unexpectedFailure() != null) {
			throw new Failure.Reported(why, command(module).unexpectedFailure());
		}
		if (why != null) throw new ExplainException(why);
		final ImagePlus attribution = (ImagePlus) module.getOutput(Options.ATTRIBUTION);
		if (attribution == null) throw new ExplainException(info.getName() + " produced no attribution");
		final Result result = new Result(attribution);
		if (command(module) != null) result.table = command(module).resultsTable();
		for (final ModuleItem<?> item : info.outputs()) {
			final Object value = module.getOutput(item.getName());
			if (!item.getName().equals(Options.ATTRIBUTION) && value instanceof ImagePlus) result.extras.put(item.getName(), (ImagePlus) value);
		}
		return result;
	}

	/** The attribution command behind a module, or null. */
	private static AttributionCommand command(final Module module) {
		return module instanceof CommandModule && ((CommandModule) module).getCommand() instanceof AttributionCommand
			? (AttributionCommand) ((CommandModule) module).getCommand() : null;
	}

	static ImagePlus openImage(final File file) {
		return ImageFiles.open(file, "image");
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
