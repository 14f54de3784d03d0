package io.github.explainij.command;

import ij.ImagePlus;

import io.github.explainij.ExplainException;
import io.github.explainij.method.AttributionMethod;

import org.scijava.Cancelable;
import org.scijava.Context;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;
import org.scijava.convert.ConvertService;
import org.scijava.module.Module;
import org.scijava.module.ModuleItem;
import org.scijava.module.ModuleRunner;
import org.scijava.module.ModuleService;
import org.scijava.module.process.LoadInputsPreprocessor;
import org.scijava.module.process.PostprocessorPlugin;
import org.scijava.module.process.PreprocessorPlugin;
import org.scijava.module.process.SaveInputsPreprocessor;
import org.scijava.plugin.PluginService;
import org.scijava.service.Service;

import java.io.File;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Finds Explain-IJ's commands through the plugin index (adding a method means adding a command class,
 * nothing is listed by hand) and describes their user-facing parameters, for the ImageJ 1.x bridge,
 * the command line and the docs.
 */
public final class ExplainCommands {

	private ExplainCommands() {}

	/** Every attribution command, sorted by name. */
	public static List<CommandInfo> all(final CommandService commands) {
		return ofType(commands, AttributionCommand.class);
	}

	/** Every inside-the-network and evaluation command, sorted by name. */
	public static List<CommandInfo> analyses(final CommandService commands) {
		return ofType(commands, AnalysisCommand.class);
	}

	/** Every Explain-IJ command (attributions and analyses), sorted by name. */
	public static List<CommandInfo> commands(final CommandService commands) {
		return ofType(commands, ExplainCommand.class);
	}

	private static List<CommandInfo> ofType(final CommandService commands, final Class<?> type) {
		final List<CommandInfo> infos = new ArrayList<>();
		for (final CommandInfo info : commands.getCommands()) {
			if (!info.getClassName().startsWith("io.github.explainij.")) continue; // do not load others' classes
			try {
				if (type.isAssignableFrom(info.loadClass())) infos.add(info);
			}
			catch (final org.scijava.InstantiableException e) {
				throw new IllegalStateException("cannot load command " + info.getClassName(), e);
			}
		}
		infos.sort(Comparator.comparing(CommandInfo::getName));
		return infos;
	}

	/** The attribution command with this CLI name (e.g. "saliency"), or null. */
	public static CommandInfo byName(final CommandService commands, final String name) {
		return named(all(commands), name);
	}

	/** Any Explain-IJ command with this CLI name (e.g. "saliency", "feature-maps"), or null. */
	public static CommandInfo commandByName(final CommandService commands, final String name) {
		return named(commands(commands), name);
	}

	private static CommandInfo named(final List<CommandInfo> infos, final String name) {
		for (final CommandInfo info : infos) {
			if (info.getName().equalsIgnoreCase(name)) return info;
		}
		return null;
	}

	/** Whether a command is an inside-the-network or evaluation command. */
	public static boolean isAnalysis(final CommandInfo info) {
		try {
			return AnalysisCommand.class.isAssignableFrom(info.loadClass());
		}
		catch (final org.scijava.InstantiableException e) {
			throw new IllegalStateException("cannot load command " + info.getClassName(), e);
		}
	}

	/** Whether a command works on the active image (it has an image input). */
	public static boolean takesImage(final CommandInfo info) {
		for (final ModuleItem<?> item : info.inputs()) {
			if (ImagePlus.class.isAssignableFrom(item.getType())) return true;
		}
		return false;
	}

	/** Inputs a user sets: not services, not the context, not the image (that comes from the caller). */
	public static List<ModuleItem<?>> userInputs(final CommandInfo info) {
		final List<ModuleItem<?>> items = new ArrayList<>();
		for (final ModuleItem<?> item : info.inputs()) {
			final Class<?> t = item.getType();
			if (Service.class.isAssignableFrom(t) || Context.class.isAssignableFrom(t)) continue;
			if (ImagePlus.class.isAssignableFrom(t)) continue;
			items.add(item);
		}
		return items;
	}

	/**
	 * Runs a module in the calling thread with SciJava's preprocessors (services injected, defaults, checks)
	 * except its persistence ({@code LoadInputsPreprocessor}, {@code SaveInputsPreprocessor}): the caller has
	 * set every input, and a run from the command line or a macro must not change the values Fiji's dialogs
	 * remember (nor write Java preferences on every run). No postprocessors: the caller shows or saves the
	 * outputs. Failures of the command itself are its cancel reason ({@link #cancelReason}); anything a
	 * preprocessor throws passes through as it is.
	 */
	public static void runWithoutPersistence(final Context context, final Module module) {
		final List<PreprocessorPlugin> pre = new ArrayList<>();
		for (final PreprocessorPlugin p : context.service(PluginService.class).createInstancesOfType(PreprocessorPlugin.class)) {
			if (!(p instanceof LoadInputsPreprocessor) && !(p instanceof SaveInputsPreprocessor)) pre.add(p);
		}
		new ModuleRunner(context, module, pre, List.<PostprocessorPlugin> of()).run();
	}

	/**
	 * Why a finished module was cancelled (a command's message for bad input), or null if it was not.
	 */
	public static String cancelReason(final Module module) {
		if (module instanceof Cancelable && ((Cancelable) module).isCanceled()) {
			final String why = ((Cancelable) module).getCancelReason();
			return why == null ? "cancelled" : why;
		}
		return null;
	}

	/**
	 * An attribution method by its command's name with its own parameters by macro key, as the command
	 * would build it (defaults for the rest), without running the command: for wrappers (SmoothGrad over
	 * any method) and evaluations.
	 *
	 * @param image the image the method will explain (for parameters in calibrated units), may be null
	 */
	public static AttributionMethod method(final Context context, final String name, final Map<String, String> params,
		final ImagePlus image)
	{
		final CommandInfo info = byName(context.service(CommandService.class), name);
		if (info == null) {
			throw new ExplainException("there is no attribution method '" + name + "'; the methods are " +
				all(context.service(CommandService.class)).stream().map(CommandInfo::getName).toList());
		}
		final Module module = context.service(ModuleService.class).createModule(info);
		final ConvertService convert = context.service(ConvertService.class);
		final Map<String, String> left = new LinkedHashMap<>(params);
		for (final ModuleItem<?> item : userInputs(info)) {
			if (left.containsKey(item.getName())) module.setInput(item.getName(), convert(convert, item, left.remove(item.getName())));
		}
		if (!left.isEmpty()) {
			throw new ExplainException("unknown parameter(s) " + left.keySet() + " for " + name + "; its parameters are " +
				userInputs(info).stream().map(ModuleItem::getName).toList());
		}
		module.setInput(Options.IMAGE, image);
		return ((AttributionCommand) ((CommandModule) module).getCommand()).method();
	}

	/**
	 * Parses "key=value key=value" (spaces or commas between pairs) into parameters by macro key.
	 *
	 * @param what what the text is, for messages
	 */
	public static Map<String, String> parseParameters(final String text, final String what) {
		final Map<String, String> out = new LinkedHashMap<>();
		if (text == null) return out;
		for (final String pair : text.trim().split("[\\s,]+")) {
			if (pair.isEmpty()) continue;
			final int eq = pair.indexOf('=');
			if (eq <= 0) throw new ExplainException(what + " takes key=value pairs (e.g. steps=16 baseline=zero), not '" + pair + "'");
			out.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
		}
		return out;
	}

	/** A parameter's text converted to its field's type, with one clear line for a wrong value. */
	public static Object convert(final ConvertService convert, final ModuleItem<?> item, final String text) {
		return convert(convert, item, text, item.getName(), choices -> "");
	}

	/**
	 * @param name the parameter as the caller spells it (e.g. "--param window" on the command line)
	 * @param hint a hint for a value outside the choices (e.g. "did you mean ..."), given the choices
	 */
	public static Object convert(final ConvertService convert, final ModuleItem<?> item, final String text, final String name,
		final Function<List<String>, String> hint)
	{
		if (item.getChoices() != null && !item.getChoices().isEmpty() && !item.getChoices().contains(text)) {
			throw new ExplainException(name + " must be one of " + item.getChoices() + ", not '" + text + "'" +
				hint.apply(item.getChoices().stream().map(Object::toString).toList()));
		}
		final Class<?> t = item.getType();
		if (t == boolean.class || t == Boolean.class) {
			if (!text.equalsIgnoreCase("true") && !text.equalsIgnoreCase("false")) {
				throw new ExplainException(name + " must be true or false, not '" + text + "'");
			}
			return Boolean.parseBoolean(text.toLowerCase());
		}
		if (t == int.class || t == Integer.class || t == long.class || t == Long.class) {
			// a whole number out of range must not wrap or become 0 on its way in
			final long max = t == long.class || t == Long.class ? Long.MAX_VALUE : Integer.MAX_VALUE;
			final long min = t == long.class || t == Long.class ? Long.MIN_VALUE : Integer.MIN_VALUE;
			final BigInteger v;
			try {
				v = new BigInteger(text.trim());
			}
			catch (final NumberFormatException e) {
				throw new ExplainException(name + " must be a whole number, not '" + text + "'");
			}
			if (v.compareTo(BigInteger.valueOf(max)) > 0 || v.compareTo(BigInteger.valueOf(min)) < 0) {
				throw new ExplainException(name + " must be a whole number up to " + max + ", not " + text.trim());
			}
			return t == int.class || t == Integer.class ? (Object) v.intValue() : (Object) v.longValue();
		}
		final Object value = convert.convert(text, t);
		if (value == null) {
			throw new ExplainException(name + " must be " + typeWord(item) + ", not '" + text + "'");
		}
		return value;
	}

	/** A short type word for docs and {@code list}. */
	public static String typeWord(final ModuleItem<?> item) {
		final Class<?> t = item.getType();
		if (t == File.class) return "file";
		if (t == boolean.class || t == Boolean.class) return "true|false";
		if (t == int.class || t == Integer.class || t == long.class) return "integer";
		if (t == double.class || t == float.class || t == Double.class || t == Float.class) return "number";
		if (item.getChoices() != null && !item.getChoices().isEmpty()) return String.join("|", item.getChoices().stream().map(Object::toString).toArray(String[]::new));
		return "text";
	}
}
