package io.github.explainij.ij1;

import ij.IJ;
import ij.ImagePlus;
import ij.Macro;
import ij.WindowManager;
import ij.gui.GenericDialog;
import ij.plugin.PlugIn;

import io.github.explainij.command.ExplainCommands;
import io.github.explainij.command.Options;

import org.scijava.Context;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandService;
import org.scijava.module.Module;
import org.scijava.module.ModuleItem;
import org.scijava.module.ModuleService;
import org.scijava.module.process.PostprocessorPlugin;
import org.scijava.module.process.PreprocessorPlugin;
import org.scijava.plugin.PluginService;

import java.io.File;
import java.util.List;

/**
 * Runs an Explain-IJ SciJava command from plain ImageJ 1.x (and from IJ1 macros there). Every command
 * is registered in {@code plugins.config} under the same menu path and label as its SciJava command,
 * with the command's name as argument; in Fiji the SciJava command takes over that label.
 * <p>
 * The dialog is a {@link GenericDialog} whose labels are the command's field names with the first
 * letter capitalised ({@code Model_file} is shown as "Model file"), so macro keys are the field names:
 * {@code run("Saliency Map", "model_file=/models/cells.pt target=predicted")}.
 */
public class CommandBridge implements PlugIn {

	private static Context context;

	static synchronized Context context() {
		if (context == null) context = new Context();
		return context;
	}

	@Override
	public void run(final String name) {
		final ImagePlus image = WindowManager.getCurrentImage();
		if (image == null) {
			IJ.noImage();
			return;
		}
		final Context ctx = context();
		final CommandInfo info = ExplainCommands.byName(ctx.service(CommandService.class), name);
		if (info == null) {
			IJ.error("Explain-IJ", "No Explain-IJ command named '" + name + "'.");
			return;
		}
		final ModuleService modules = ctx.service(ModuleService.class);
		final Module module = modules.createModule(info);
		final List<ModuleItem<?>> inputs = ExplainCommands.userInputs(info);
		final GenericDialog gd = new GenericDialog(info.getTitle());
		for (final ModuleItem<?> item : inputs) addField(gd, item, module.getInput(item.getName()));
		gd.showDialog();
		if (gd.wasCanceled()) return;
		for (final ModuleItem<?> item : inputs) {
			module.setInput(item.getName(), nextValue(gd, item));
			module.resolveInput(item.getName());
		}
		for (final ModuleItem<?> item : info.inputs()) {
			if (ImagePlus.class.isAssignableFrom(item.getType())) {
				module.setInput(item.getName(), image);
				module.resolveInput(item.getName());
			}
		}
		try {
			// Services are injected; outputs are shown below (SciJava's display postprocessors do not know ImagePlus).
			final List<PreprocessorPlugin> pre = ctx.service(PluginService.class).createInstancesOfType(PreprocessorPlugin.class);
			modules.run(module, pre, List.<PostprocessorPlugin> of(), java.util.Map.of()).get();
		}
		catch (final Exception e) {
			IJ.handleException(e);
			return;
		}
		final String why = ExplainCommands.cancelReason(module);
		if (why != null) {
			IJ.error("Explain-IJ", why);
			if (Macro.getOptions() != null || IJ.isMacro()) Macro.abort();
			return;
		}
		image.updateAndDraw();
		// extra images first, the attribution last, so that it is the active image after the command
		for (final ModuleItem<?> out : info.outputs()) {
			final Object value = module.getOutput(out.getName());
			if (value instanceof ImagePlus && !out.getName().equals(Options.ATTRIBUTION)) ((ImagePlus) value).show();
		}
		final Object attribution = module.getOutput(Options.ATTRIBUTION);
		if (attribution instanceof ImagePlus) ((ImagePlus) attribution).show();
	}

	private static String label(final ModuleItem<?> item) {
		final String n = item.getName();
		return Character.toUpperCase(n.charAt(0)) + n.substring(1);
	}

	private static void addField(final GenericDialog gd, final ModuleItem<?> item, final Object value) {
		final Class<?> t = item.getType();
		final String label = label(item);
		if (t == boolean.class || t == Boolean.class) {
			gd.addCheckbox(label, value != null && (Boolean) value);
		}
		else if (t == int.class || t == Integer.class || t == long.class || t == Long.class) {
			gd.addNumericField(label, value == null ? 0 : ((Number) value).doubleValue(), 0);
		}
		else if (t == double.class || t == Double.class || t == float.class || t == Float.class) {
			gd.addNumericField(label, value == null ? 0 : ((Number) value).doubleValue(), 4);
		}
		else if (item.getChoices() != null && !item.getChoices().isEmpty()) {
			final String[] choices = item.getChoices().stream().map(Object::toString).toArray(String[]::new);
			gd.addChoice(label, choices, value == null ? choices[0] : value.toString());
		}
		else if (t == File.class) {
			gd.addFileField(label, value == null ? "" : ((File) value).getPath());
		}
		else {
			gd.addStringField(label, value == null ? "" : value.toString(), 20);
		}
	}

	private static Object nextValue(final GenericDialog gd, final ModuleItem<?> item) {
		final Class<?> t = item.getType();
		if (t == boolean.class || t == Boolean.class) return gd.getNextBoolean();
		if (t == int.class || t == Integer.class) return (int) gd.getNextNumber();
		if (t == long.class || t == Long.class) return (long) gd.getNextNumber();
		if (t == double.class || t == Double.class) return gd.getNextNumber();
		if (t == float.class || t == Float.class) return (float) gd.getNextNumber();
		if (item.getChoices() != null && !item.getChoices().isEmpty()) return gd.getNextChoice();
		if (t == File.class) {
			final String path = gd.getNextString().trim();
			return path.isEmpty() ? null : new File(path);
		}
		return gd.getNextString();
	}
}
