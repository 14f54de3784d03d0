package io.github.explainij.command;

import ij.ImagePlus;

import io.github.explainij.cli.CommandRunner;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.scijava.Context;
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

	/** Runs the command with this CLI name on an image, with the model file and other inputs by macro key. */
	protected static Module runCommand(final String name, final ImagePlus image, final Path model, final Map<String, String> params) {
		return new CommandRunner(context).run(ExplainCommands.byName(context.service(CommandService.class), name), image,
			model == null ? null : model.toFile(), params);
	}
}
