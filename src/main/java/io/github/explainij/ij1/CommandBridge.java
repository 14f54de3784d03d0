package io.github.explainij.ij1;

import ij.IJ;
import ij.ImagePlus;
import ij.Macro;
import ij.WindowManager;
import ij.gui.GenericDialog;
import ij.plugin.PlugIn;

import io.github.explainij.Failure;
import io.github.explainij.command.AttributionCommand;
import io.github.explainij.command.ExplainCommand;
import io.github.explainij.command.ExplainCommands;
import io.github.explainij.command.Options;

import org.scijava.Context;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;
import org.scijava.module.Module;
import org.scijava.module.ModuleItem;
import org.scijava.module.ModuleService;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs an Explain-IJ SciJava command from plain ImageJ 1.x (and from IJ1 macros there). Every command
 * is registered in {@code plugins.config} under the same menu path and label as its SciJava command,
 * with the command's name as argument; in Fiji the SciJava command takes over that label.
 * <p>
 * The dialog ({@link CommandDialog}) shows plain labels while macro keys stay the field names:
 * {@code run("Saliency Map", "model_file=/models/cells.pt target=predicted")}. The command's progress
 * goes straight to ImageJ's status and progress bars (plain ImageJ shows no SciJava status events).
 * <p>
 * Plain ImageJ 1.x loads this class and the jars in {@code plugins/jars/} through its own plugin class
 * loader, which the thread's context class loader does not see; SciJava (and DJL) find their plugins
 * through the context class loader, so the bridge sets it to its own class loader while it works.
 */
public class CommandBridge implements PlugIn {

	private static Context context;

	static synchronized Context context() {
		if (context == null) context = withPluginLoader(Context::new);
		return context;
	}

	@Override
	public void run(final String name) {
		withPluginLoader(() -> {
			try {
				runCommand(name);
			}
			catch (final Throwable e) {
				if (isMacroAbort(e)) throw (RuntimeException) e;
				// the same contract as the command line (Failure): one line in one dialog, never a stack trace
				refuse(Failure.isBadInput(e) ? Failure.badInputMessage(e) : Failure.report(e, "Explain-IJ " + name + " (ImageJ 1.x bridge)"));
			}
			return null;
		});
	}

	/** ImageJ's way of stopping the macro that called a command ({@link Macro#abort()}), which must pass through. */
	private static boolean isMacroAbort(final Throwable e) {
		return e instanceof RuntimeException && Macro.MACRO_CANCELED.equals(e.getMessage());
	}

	/** One error dialog with the message; a macro that called the command stops there. */
	private static void refuse(final String message) {
		IJ.showStatus("");
		IJ.error("Explain-IJ", message);
		if (Macro.getOptions() != null || IJ.isMacro()) Macro.abort();
	}

	private void runCommand(final String name) {
		final Context ctx = context();
		final CommandInfo info = ExplainCommands.commandByName(ctx.service(CommandService.class), name);
		if (info == null) {
			IJ.error("Explain-IJ", "No Explain-IJ command named '" + name + "'.");
			return;
		}
		final ImagePlus image = ExplainCommands.takesImage(info) ? WindowManager.getCurrentImage() : null;
		if (ExplainCommands.takesImage(info)) {
			if (image == null) {
				IJ.noImage();
				return;
			}
			final String refusal = AttributionCommand.resultRefusal(image);
			if (refusal != null) { // before the dialog: nothing to fill in for a run that cannot happen
				refuse(refusal);
				return;
			}
		}
		final ModuleService modules = ctx.service(ModuleService.class);
		final Module module = modules.createModule(info);
		// progress straight to ImageJ's bars (plain ImageJ shows no SciJava status events)
		if (module instanceof CommandModule && ((CommandModule) module).getCommand() instanceof ExplainCommand) {
			((ExplainCommand) ((CommandModule) module).getCommand()).setProgressDisplay(CommandBridge::showProgress);
		}
		final List<ModuleItem<?>> inputs = ExplainCommands.userInputs(info);
		final boolean macro = Macro.getOptions() != null;
		final CommandDialog dialog = new CommandDialog(info, inputs, macro);
		final Map<String, Object> initial = new LinkedHashMap<>();
		for (final ModuleItem<?> item : inputs) initial.put(item.getName(), dialog.initial(item, module.getInput(item.getName())));
		final GenericDialog gd = dialog.build(initial);
		gd.showDialog();
		if (gd.wasCanceled()) return;
		final Map<String, Object> values = dialog.read();
		dialog.remember(values);
		for (final ModuleItem<?> item : inputs) {
			module.setInput(item.getName(), values.get(item.getName()));
			module.resolveInput(item.getName());
		}
		for (final ModuleItem<?> item : info.inputs()) {
			if (ImagePlus.class.isAssignableFrom(item.getType())) {
				module.setInput(item.getName(), image);
				module.resolveInput(item.getName());
			}
		}
		try {
			// In this thread (its context class loader is set); services are injected, values are the dialog's
			// (SciJava's own persistence is left out: ImageJ's preferences remember them). Outputs are shown
			// below: SciJava's display postprocessors do not know ImagePlus.
			ExplainCommands.runWithoutPersistence(ctx, module);
		}
		finally {
			IJ.showProgress(1.0);
		}
		// bad input and internal failures alike (the command catches both): one dialog with the command's line
		final String why = ExplainCommands.cancelReason(module);
		if (why != null) {
			refuse(why);
			return;
		}
		// an analysis shows its own results (tables, plots, stacks) when it ends
		if (ExplainCommands.isAnalysis(info)) return;
		image.updateAndDraw();
		// extra images first, the attribution last, so that it is the active image after the command
		for (final ModuleItem<?> out : info.outputs()) {
			final Object value = module.getOutput(out.getName());
			if (value instanceof ImagePlus && !out.getName().equals(Options.ATTRIBUTION)) ((ImagePlus) value).show();
		}
		final Object attribution = module.getOutput(Options.ATTRIBUTION);
		if (attribution instanceof ImagePlus) ((ImagePlus) attribution).show();
	}

	/** Runs {@code work} with this plugin's class loader as the thread's context class loader. */
	static <T> T withPluginLoader(final java.util.function.Supplier<T> work) {
		final Thread thread = Thread.currentThread();
		final ClassLoader previous = thread.getContextClassLoader();
		thread.setContextClassLoader(CommandBridge.class.getClassLoader());
		try {
			return work.get();
		}
		finally {
			thread.setContextClassLoader(previous);
		}
	}

	/** A run's progress in ImageJ 1.x's status line and progress bar. */
	static void showProgress(final int done, final int total, final String message) {
		if (message != null) IJ.showStatus(message);
		IJ.showProgress(done, total);
	}
}
