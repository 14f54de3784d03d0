package io.github.explainij.ij1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.Macro;
import ij.Prefs;

import io.github.explainij.TestData;
import io.github.explainij.command.ExplainCommands;

import java.io.File;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.scijava.Context;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandService;
import org.scijava.module.ModuleItem;

/**
 * What the ImageJ 1.x dialog of every command shows and remembers: macro keys are the field names,
 * labels are plain words, every field has help, numbers show as typed, values are remembered in
 * ImageJ's preferences for interactive runs only. (The dialog itself is drawn in the real-window test.)
 */
class CommandDialogTest {

	private static Context context;
	private static List<CommandInfo> commands;

	@BeforeAll
	static void start() {
		context = new Context();
		commands = ExplainCommands.commands(context.service(CommandService.class));
	}

	@AfterAll
	static void stop() {
		context.dispose();
	}

	private static CommandInfo command(final String name) {
		return ExplainCommands.byName(context.service(CommandService.class), name);
	}

	private static ModuleItem<?> input(final CommandInfo info, final String name) {
		for (final ModuleItem<?> item : ExplainCommands.userInputs(info)) if (item.getName().equals(name)) return item;
		throw new AssertionError(info.getName() + " has no input " + name);
	}

	@Test
	void macroKeyIsTheFieldNameWhateverTheLabelSays() {
		final ModuleItem<?> batch = input(command("occlusion"), "batch_size");
		assertEquals("Batch_size", CommandDialog.keyLabel(batch));
		// ImageJ takes the macro key from the label up to the first space, lower-cased
		assertEquals("batch_size", Macro.trimKey(CommandDialog.keyLabel(batch)));
		for (final CommandInfo info : commands) {
			for (final ModuleItem<?> item : ExplainCommands.userInputs(info)) {
				assertEquals(item.getName(), Macro.trimKey(CommandDialog.keyLabel(item)), info.getName() + "." + item.getName());
			}
		}
	}

	@Test
	void everyFieldHasAPlainLabelAndHelpThatSaysMoreThanTheLabel() {
		int fields = 0;
		final List<String> problems = new java.util.ArrayList<>();
		for (final CommandInfo info : commands) {
			for (final ModuleItem<?> item : ExplainCommands.userInputs(info)) {
				final String where = info.getName() + "." + item.getName();
				final String label = CommandDialog.shownLabel(item);
				if (label.contains("_")) problems.add(where + ": label '" + label + "'");
				final String help = item.getDescription();
				if (help == null || help.length() <= label.length()) problems.add(where + ": help '" + help + "'");
				fields++;
			}
		}
		assertEquals(List.of(), problems);
		assertTrue(fields > 200, "fields checked: " + fields);
		assertEquals("Model file (TorchScript .pt)", CommandDialog.shownLabel(input(command("saliency"), "model_file")));
	}

	@Test
	void helpPageListsEveryFieldWithItsMacroKey() {
		final CommandInfo info = command("occlusion");
		final List<ModuleItem<?>> items = ExplainCommands.userInputs(info);
		final String html = new CommandDialog(info, items, false).helpHtml();
		assertTrue(html.startsWith("<html>"), html);
		for (final ModuleItem<?> item : items) {
			assertTrue(html.contains("[" + item.getName() + "]"), item.getName());
			assertTrue(html.contains(CommandDialog.shownLabel(item)), item.getName());
		}
		assertTrue(html.contains("Esc"), html);
	}

	@Test
	void numbersShowAsWholeNumbersWhenTheyAreWhole() {
		assertEquals(0, CommandDialog.digits(16));
		assertEquals(0, CommandDialog.digits(0));
		assertEquals(0, CommandDialog.digits(-3));
		assertEquals(2, CommandDialog.digits(0.15));
		assertEquals(1, CommandDialog.digits(0.5));
		assertEquals(2, CommandDialog.digits(0.25));
		assertEquals(6, CommandDialog.digits(1.0 / 3));
		assertEquals(-3, CommandDialog.digits(1e-6)); // scientific notation, not 0.0000
	}

	@Test
	void sharedFieldsAreRememberedForAllCommandsOthersPerCommand() {
		final CommandInfo occlusion = command("occlusion");
		assertEquals("explainij.model_file", CommandDialog.prefKey(occlusion, input(occlusion, "model_file")));
		assertEquals("explainij.target", CommandDialog.prefKey(occlusion, input(occlusion, "target")));
		assertEquals("explainij.occlusion.window", CommandDialog.prefKey(occlusion, input(occlusion, "window")));
		assertEquals("explainij.rise.fill", CommandDialog.prefKey(command("rise"), input(command("rise"), "fill")));
	}

	@Test
	void interactiveRunsRememberTheirValuesMacroRunsDoNot() {
		final CommandInfo info = command("occlusion");
		final List<ModuleItem<?>> items = ExplainCommands.userInputs(info);
		final File model = TestData.model("cells-gap").toFile();
		try {
			final Map<String, Object> values = new LinkedHashMap<>();
			values.put("model_file", model);
			values.put("window", 8.0);
			values.put("batch_size", 32);
			values.put("fill", "mean");
			values.put("show_overlay", false);
			new CommandDialog(info, items, true).remember(values);
			assertNull(Prefs.get("explainij.occlusion.window", null), "a macro run leaves the preferences alone");

			new CommandDialog(info, items, false).remember(values);
			final CommandDialog next = new CommandDialog(info, items, false);
			assertEquals(model, next.initial(input(info, "model_file"), null));
			assertEquals(8.0, next.initial(input(info, "window"), 16.0));
			assertEquals(32, next.initial(input(info, "batch_size"), 0));
			assertEquals("mean", next.initial(input(info, "fill"), "zero"));
			assertEquals(false, next.initial(input(info, "show_overlay"), true));
			// the model is shared: another command's dialog starts with it too
			final CommandInfo sal = command("saliency");
			assertEquals(model, new CommandDialog(sal, ExplainCommands.userInputs(sal), false).initial(input(sal, "model_file"), null));
			// a macro call starts from the command's defaults, so macros stay reproducible
			assertEquals(16.0, new CommandDialog(info, items, true).initial(input(info, "window"), 16.0));
			// a remembered choice the command no longer offers falls back to the default
			Prefs.set("explainij.occlusion.fill", "segment_mean");
			assertEquals("zero", next.initial(input(info, "fill"), "zero"));
		}
		finally {
			for (final String k : new String[] { "model_file", "occlusion.window", "occlusion.batch_size", "occlusion.fill", "show_overlay" }) {
				Prefs.set("explainij." + k, (String) null);
			}
		}
	}

	@Test
	void targetListOffersTheModelsClassNames() {
		final List<String> classes = CommandDialog.classNames(TestData.model("cells-gap").toString());
		assertEquals(List.of("interphase", "mitotic", "apoptotic", "foci"), classes);
		assertEquals(List.of("predicted", "interphase", "mitotic", "apoptotic", "foci"), CommandDialog.targetItems(classes, "foci"));
		assertEquals(List.of("predicted", "interphase", "mitotic", "apoptotic", "foci", "2"), CommandDialog.targetItems(classes, "2"));
		assertEquals(List.of(), CommandDialog.classNames(""));
		assertEquals(List.of(), CommandDialog.classNames("/no/such/model.pt"));
	}

	@Test
	void descriptionIsWrappedForTheDialog() {
		final String wrapped = CommandDialog.wrap("Gradient of the class score with respect to the pixels (Simonyan et al. 2014)", 30);
		for (final String line : wrapped.split("\n")) assertTrue(line.length() <= 30, line);
		assertEquals("Gradient of the class score with respect to the pixels (Simonyan et al. 2014)", wrapped.replace('\n', ' '));
		assertNotEquals(-1, wrapped.indexOf('\n'));
	}
}
