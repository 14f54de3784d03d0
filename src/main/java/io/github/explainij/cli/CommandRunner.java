package io.github.explainij.cli;

import ij.ImagePlus;

import io.github.explainij.ExplainException;
import io.github.explainij.command.EvaluationCommand;
import io.github.explainij.command.ExplainCommands;
import io.github.explainij.command.Options;

import org.scijava.Context;
import org.scijava.command.CommandInfo;
import org.scijava.convert.ConvertService;
import org.scijava.module.Module;
import org.scijava.module.ModuleItem;
import org.scijava.module.ModuleService;
import org.scijava.thread.ThreadService;

import java.io.File;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/**
 * Runs an Explain-IJ command headless with explicit inputs. Inputs that are not given take the
 * command's own defaults (never values remembered from an earlier interactive run), so a command line
 * always means the same thing.
 */
public final class CommandRunner {

	private final Context context;

	public CommandRunner(final Context context) {
		this.context = context;
	}

	/**
	 * @param params other inputs by macro key (e.g. "absolute" -> "false")
	 * @return the finished module; check {@link Module#isCanceled()} for bad input
	 */
	public Module run(final CommandInfo info, final ImagePlus image, final File model, final Map<String, String> params) {
		final ModuleService modules = context.service(ModuleService.class);
		final ConvertService convert = context.service(ConvertService.class);
		final Module module = modules.createModule(info);
		final Map<String, String> left = methodParameters(info, params);
		final List<ModuleItem<?>> userInputs = ExplainCommands.userInputs(info);
		for (final ModuleItem<?> item : info.inputs()) {
			final String name = item.getName();
			if (name.equals(Options.IMAGE)) {
				module.setInput(name, image);
			}
			else if (name.equals(Options.MODEL_FILE)) {
				module.setInput(name, model);
			}
			else if (left.containsKey(name)) {
				final String text = left.remove(name);
				final Object value = convert(convert, item, text);
				module.setInput(name, value);
			}
			else if (!userInputs.contains(item)) {
				continue; // services: injected by the framework
			}
			module.resolveInput(name);
		}
		if (!left.isEmpty()) {
			final List<String> names = userInputs.stream().map(ModuleItem::getName).toList();
			final String first = left.keySet().iterator().next();
			throw new ExplainException((left.size() == 1 ? "unknown parameter --param " + first : "unknown parameters --param " +
				String.join(", --param ", left.keySet())) + " for " + info.getName() + DidYouMean.hint(first, names, "--param ") +
				" (java -jar explain-ij.jar " + info.getName() + " --help lists its parameters)");
		}
		// On SciJava's thread pool, as before, but without SciJava's persistence (the command line never reads
		// remembered values, so it does not write them either: saving every input to Java preferences cost about
		// a millisecond a run) and without display postprocessors: outputs are saved by the caller. (Run in the
		// calling thread instead, the benchmark's commands were slower after its throughput measurement there.)
		try {
			context.service(ThreadService.class).run(() -> ExplainCommands.runWithoutPersistence(context, module)).get();
		}
		catch (final InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new ExplainException("interrupted");
		}
		catch (final ExecutionException e) {
			// the command itself catches everything; this is a failure around it (a preprocessor): pass it on as it is
			final Throwable cause = e.getCause();
			if (cause instanceof RuntimeException) throw (RuntimeException) cause;
			if (cause instanceof Error) throw (Error) cause;
			throw new IllegalStateException(cause);
		}
		return module;
	}

	/**
	 * {@code --param method.layer=relu3} (the and Captum users' spelling) joins {@code method_parameters}
	 * of a command that takes an attribution method by name.
	 */
	static Map<String, String> methodParameters(final CommandInfo info, final Map<String, String> params) {
		final Map<String, String> out = new LinkedHashMap<>();
		final StringBuilder joined = new StringBuilder();
		for (final Map.Entry<String, String> p : params.entrySet()) {
			if (p.getKey().startsWith("method.") && info.getInput(EvaluationCommand.METHOD_PARAMETERS) != null) {
				joined.append(joined.length() == 0 ? "" : " ").append(p.getKey().substring("method.".length())).append('=').append(p.getValue());
			}
			else {
				out.put(p.getKey(), p.getValue());
			}
		}
		if (joined.length() > 0) out.merge(EvaluationCommand.METHOD_PARAMETERS, joined.toString(), (a, b) -> a + " " + b);
		return out;
	}

	private static Object convert(final ConvertService convert, final ModuleItem<?> item, final String text) {
		return ExplainCommands.convert(convert, item, text, Main.spelled(item.getName()),
			choices -> DidYouMean.hint(text, choices, ""));
	}
}
