package io.github.explainij.ij1;

import ij.gui.GenericDialog;

import io.github.explainij.command.ExplainCommands;

import org.scijava.Context;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandService;
import org.scijava.module.Module;
import org.scijava.module.ModuleItem;
import org.scijava.module.ModuleService;

import java.awt.Button;
import java.awt.Choice;
import java.awt.Component;
import java.awt.Container;
import java.awt.EventQueue;
import java.awt.TextField;
import java.io.File;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the ImageJ 1.x dialog of a command as the bridge does (not shown: no one would click it) and
 * prints what a user would see in it, one fact a line, for {@link CommandDialogWindowTest}. Needs a
 * display. Arguments: command name, model file, a second model file to switch to.
 */
public final class DialogHarness {

	private DialogHarness() {}

	public static void main(final String[] args) throws Exception {
		final Context context = new Context();
		final CommandInfo info = ExplainCommands.byName(context.service(CommandService.class), args[0]);
		final Module module = context.service(ModuleService.class).createModule(info);
		final List<ModuleItem<?>> inputs = ExplainCommands.userInputs(info);
		final CommandDialog dialog = new CommandDialog(info, inputs, false);
		final Map<String, Object> initial = new LinkedHashMap<>();
		for (final ModuleItem<?> item : inputs) initial.put(item.getName(), module.getInput(item.getName()));
		initial.put("model_file", new File(args[1]));
		final GenericDialog gd = dialog.build(initial);
		for (final String label : dialog.shownLabels()) System.out.println("LABEL " + label);
		int i = 0;
		for (final Object tf : gd.getNumericFields()) System.out.println("NUMBER " + i++ + " " + ((TextField) tf).getText());
		System.out.println("TARGET " + items((Choice) gd.getChoices().get(0)));
		System.out.println("BUTTONS " + buttons(gd));
		for (final Button b : buttonList(gd)) {
			if (!b.getLabel().equals("Browse")) continue;
			for (final java.awt.event.ActionListener l : b.getActionListeners()) System.out.println("BROWSE " + l.getClass().getName());
		}
		// another model: the target list follows its classes (text events need the dialog's native peer)
		EventQueue.invokeAndWait(gd::addNotify);
		final TextField model = (TextField) gd.getStringFields().get(0);
		EventQueue.invokeAndWait(() -> model.setText(args[2]));
		EventQueue.invokeAndWait(() -> {});
		System.out.println("TARGET " + items((Choice) gd.getChoices().get(0)));
		gd.dispose();
		context.dispose();
		System.exit(0);
	}

	private static String items(final Choice c) {
		final List<String> out = new ArrayList<>();
		for (int i = 0; i < c.getItemCount(); i++) out.add(c.getItem(i));
		return String.join(",", out);
	}

	private static String buttons(final Container c) {
		final List<String> out = new ArrayList<>();
		for (final Button b : buttonList(c)) out.add(b.getLabel());
		return String.join(",", out);
	}

	private static List<Button> buttonList(final Container c) {
		final List<Button> out = new ArrayList<>();
		collect(c, out);
		return out;
	}

	private static void collect(final Container c, final List<Button> out) {
		for (final Component comp : c.getComponents()) {
			if (comp instanceof Button) out.add((Button) comp);
			else if (comp instanceof Container) collect((Container) comp, out);
		}
	}
}
