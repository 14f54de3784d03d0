package io.github.explainij.command;

import org.scijava.command.CommandInfo;
import org.scijava.command.CommandService;
import org.scijava.module.ModuleItem;
import org.scijava.service.Service;

import java.io.File;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import ij.ImagePlus;

/**
 * Finds Explain-IJ's commands through the plugin index (adding a method means adding a command class,
 * nothing is listed by hand) and describes their user-facing parameters, for the ImageJ 1.x bridge,
 * the command line and the docs.
 */
public final class ExplainCommands {

	private ExplainCommands() {}

	/** Every attribution command, sorted by name. */
	public static List<CommandInfo> all(final CommandService commands) {
		final List<CommandInfo> infos = new ArrayList<>();
		for (final CommandInfo info : commands.getCommands()) {
			if (!info.getClassName().startsWith("io.github.explainij.")) continue; // do not load others' classes
			try {
				if (AttributionCommand.class.isAssignableFrom(info.loadClass())) infos.add(info);
			}
			catch (final org.scijava.InstantiableException e) {
				throw new IllegalStateException("cannot load command " + info.getClassName(), e);
			}
		}
		infos.sort(Comparator.comparing(CommandInfo::getName));
		return infos;
	}

	/** The command with this CLI name (e.g. "saliency"), or null. */
	public static CommandInfo byName(final CommandService commands, final String name) {
		for (final CommandInfo info : all(commands)) {
			if (info.getName().equalsIgnoreCase(name)) return info;
		}
		return null;
	}

	/** Inputs a user sets: not services, not the context, not the image (that comes from the caller). */
	public static List<ModuleItem<?>> userInputs(final CommandInfo info) {
		final List<ModuleItem<?>> items = new ArrayList<>();
		for (final ModuleItem<?> item : info.inputs()) {
			final Class<?> t = item.getType();
			if (Service.class.isAssignableFrom(t) || org.scijava.Context.class.isAssignableFrom(t)) continue;
			if (ImagePlus.class.isAssignableFrom(t)) continue;
			items.add(item);
		}
		return items;
	}

	/**
	 * Why a finished module was cancelled (a command's message for bad input), or null if it was not.
	 */
	public static String cancelReason(final org.scijava.module.Module module) {
		if (module instanceof org.scijava.Cancelable && ((org.scijava.Cancelable) module).isCanceled()) {
			final String why = ((org.scijava.Cancelable) module).getCancelReason();
			return why == null ? "cancelled" : why;
		}
		return null;
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
