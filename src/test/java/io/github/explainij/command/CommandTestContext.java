package io.github.explainij.command;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import ij.ImagePlus;

import io.github.explainij.cli.CommandRunner;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.scijava.Context;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;
import org.scijava.module.Module;

/** One SciJava context per test class, and running a command in it as Fiji would (services injected). */
abstract class CommandTestContext {

	protected static Context context;

	@BeforeAll
	static void startContext() {
		context = new Context();
	}

	@AfterAll
	static void stopContext() {
		context.dispose();
	}

	/**
	 * Runs the command with this CLI name (attribution or analysis) on an image (null for a command that
	 * takes none), with the model file and other inputs by macro key.
	 */
	protected static Module runCommand(final String name, final ImagePlus image, final Path model, final Map<String, String> params) {
		return new CommandRunner(context).run(ExplainCommands.commandByName(context.service(CommandService.class), name), image,
			model == null ? null : model.toFile(), params);
	}

	/** Same as {@link #runCommand}, for an analysis: a short name where tests run many. */
	protected static Module run(final String name, final ImagePlus image, final Path model, final Map<String, String> params) {
		return runCommand(name, image, model, params);
	}

	/** An analysis command's results; fails the test with the reason when it was refused. */
	protected static AnalysisResults results(final Module module) {
		assertNull(ExplainCommands.cancelReason(module), "cancelled: " + ExplainCommands.cancelReason(module));
		final AnalysisResults r = ((AnalysisCommand) ((CommandModule) module).getCommand()).results();
		assertNotNull(r, "no results");
		return r;
	}

	/** The one line a command refused its input with (bad input, not an internal failure). */
	protected static String refusal(final Module module) {
		final String why = ExplainCommands.cancelReason(module);
		assertNotNull(why, "expected a refusal");
		assertNull(((ExplainCommand) ((CommandModule) module).getCommand()).unexpectedFailure(), why);
		return why;
	}
}
