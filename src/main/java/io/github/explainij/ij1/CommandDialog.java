package io.github.explainij.ij1;

import ij.Prefs;
import ij.gui.GenericDialog;

import io.github.explainij.command.AttributionCommand;
import io.github.explainij.command.Options;
import io.github.explainij.model.ModelSpec;

import org.scijava.command.CommandInfo;
import org.scijava.command.CommandModuleItem;
import org.scijava.module.ModuleItem;
import org.scijava.widget.FileWidget;

import java.awt.Button;
import java.awt.Checkbox;
import java.awt.Choice;
import java.awt.Component;
import java.awt.Container;
import java.awt.GraphicsEnvironment;
import java.awt.Label;
import java.awt.TextField;
import java.awt.event.ActionListener;
import java.io.File;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.swing.JFileChooser;
import javax.swing.filechooser.FileNameExtensionFilter;

/**
 * The ImageJ 1.x dialog of an Explain-IJ command: one {@link GenericDialog} field per user input, shown
 * with the command's plain label ({@code @Parameter(label)}) while the macro key stays the field name
 * ({@code window_size=16}); a Help button lists what every field does; whole-number values show as
 * whole numbers; the model chooser lists {@code .pt} files; the target is a list of the model's class
 * names once the model is known. Values typed in the dialog are remembered in ImageJ's preferences
 * ({@code IJ_Prefs.txt}); a macro call uses the command's defaults for keys it does not give, so macros
 * stay reproducible.
 */
public final class CommandDialog {

	/** Preference keys start with this ({@code IJ_Prefs.txt} stores them as {@code .explainij....}). */
	public static final String PREFS_PREFIX = "explainij.";

	private final CommandInfo info;
	private final List<ModuleItem<?>> items;
	private final boolean macro;
	private GenericDialog dialog;
	private Choice targetChoice;
	private TextField modelField;

	/**
	 * @param info the command
	 * @param items its user inputs, in dialog order
	 * @param macro true when a macro gives the options ({@code Macro.getOptions() != null}): no
	 *          remembered values are read or written
	 */
	public CommandDialog(final CommandInfo info, final List<ModuleItem<?>> items, final boolean macro) {
		this.info = info;
		this.items = items;
		this.macro = macro;
	}

	// ---- what each field shows (no AWT: testable headless) ----

	/**
	 * The dialog label whose first word is the macro key: the field name with its first letter capitalised
	 * ({@code batch_size} becomes {@code Batch_size}, which ImageJ shows as "Batch size").
	 */
	public static String keyLabel(final ModuleItem<?> item) {
		final String n = item.getName();
		return Character.toUpperCase(n.charAt(0)) + n.substring(1);
	}

	/** What the user reads beside the field: the command's label, or the key label's words when it has none. */
	public static String shownLabel(final ModuleItem<?> item) {
		final String label = item.getLabel();
		if (label == null || label.isBlank() || label.equals(item.getName())) return keyLabel(item).replace('_', ' ');
		return label;
	}

	/** The field's help text (its description), never empty. */
	public static String help(final ModuleItem<?> item) {
		final String d = item.getDescription();
		return d == null || d.isBlank() ? shownLabel(item) : d;
	}

	/**
	 * Decimal places that show {@code value} in full: 0 for whole numbers ({@code 16}, not {@code 16.0000}),
	 * else as many as it needs (up to 6); values below 0.001 use scientific notation (a negative count, as
	 * {@link GenericDialog#addNumericField(String, double, int)} takes it).
	 */
	public static int digits(final double value) {
		if (Double.isNaN(value) || Double.isInfinite(value) || value == Math.rint(value)) return 0;
		if (Math.abs(value) < 1e-3) return -3;
		final BigDecimal exact = new BigDecimal(Double.toString(value)).stripTrailingZeros();
		return Math.max(1, Math.min(6, exact.scale()));
	}

	/** True for integer-typed fields (always whole numbers). */
	static boolean integral(final Class<?> t) {
		return t == int.class || t == Integer.class || t == long.class || t == Long.class;
	}

	static boolean floating(final Class<?> t) {
		return t == double.class || t == Double.class || t == float.class || t == Float.class;
	}

	static boolean bool(final Class<?> t) {
		return t == boolean.class || t == Boolean.class;
	}

	/**
	 * The preference key of a field: values every command shares (model, target, score, device, overlay)
	 * under {@code explainij.<field>}, so choosing a model once serves all commands; the others under
	 * {@code explainij.<command>.<field>}.
	 */
	public static String prefKey(final CommandInfo info, final ModuleItem<?> item) {
		if (item instanceof CommandModuleItem && ((CommandModuleItem<?>) item).getField().getDeclaringClass() == AttributionCommand.class) {
			return PREFS_PREFIX + item.getName();
		}
		return PREFS_PREFIX + info.getName() + "." + item.getName();
	}

	/** The value a field starts with: the remembered one (interactive use only), else the command's default. */
	public Object initial(final ModuleItem<?> item, final Object commandDefault) {
		if (macro) return commandDefault;
		final String stored = Prefs.get(prefKey(info, item), null);
		if (stored == null) return commandDefault;
		final Class<?> t = item.getType();
		try {
			if (bool(t)) return Boolean.parseBoolean(stored);
			if (t == int.class || t == Integer.class) return Integer.parseInt(stored);
			if (t == long.class || t == Long.class) return Long.parseLong(stored);
			if (t == float.class || t == Float.class) return Float.parseFloat(stored);
			if (floating(t)) return Double.parseDouble(stored);
			if (t == File.class) return stored.isEmpty() ? null : new File(stored);
			if (choices(item) != null && !choices(item).contains(stored)) return commandDefault;
			return stored;
		}
		catch (final NumberFormatException e) {
			return commandDefault;
		}
	}

	/** Remembers the values of an interactive run (nothing for a macro run). */
	public void remember(final Map<String, Object> values) {
		if (macro) return;
		for (final ModuleItem<?> item : items) {
			final Object v = values.get(item.getName());
			if (v == null) {
				if (item.getType() == File.class) Prefs.set(prefKey(info, item), "");
				continue;
			}
			Prefs.set(prefKey(info, item), v instanceof File ? ((File) v).getPath() : v.toString());
		}
	}

	/** The class names in the sidecar of this model file, or an empty list (no file, no sidecar, bad sidecar). */
	public static List<String> classNames(final String modelPath) {
		if (modelPath == null || modelPath.isBlank()) return List.of();
		try {
			final Path p = Path.of(modelPath.trim());
			if (!Files.isRegularFile(p)) return List.of();
			return ModelSpec.forModel(p).classes();
		}
		catch (final RuntimeException e) {
			return List.of();
		}
	}

	/**
	 * What the target list offers: "predicted", then the model's class names, then the current value if it
	 * is something else (a class index typed in an earlier run).
	 */
	public static List<String> targetItems(final List<String> classes, final String current) {
		final List<String> out = new ArrayList<>();
		out.add(Options.TARGET_PREDICTED);
		for (final String c : classes) if (!out.contains(c)) out.add(c);
		if (current != null && !current.isBlank() && !out.contains(current)) out.add(current);
		return out;
	}

	/** The Help button's page: every field with its label, macro key and help text. */
	public String helpHtml() {
		final StringBuilder b = new StringBuilder("<html><body><h3>").append(escape(info.getTitle())).append("</h3>");
		if (info.getDescription() != null) b.append("<p>").append(escape(info.getDescription())).append("</p>");
		b.append("<p>Each field, with its macro key in brackets:</p><ul>");
		for (final ModuleItem<?> item : items) {
			b.append("<li><b>").append(escape(shownLabel(item))).append("</b> [").append(item.getName()).append("]: ")
				.append(escape(help(item))).append("</li>");
		}
		b.append("</ul><p>Values you choose here are remembered for the next run. A macro gets the defaults for any key it ")
			.append("does not give. Press Esc to stop a long run.</p></body></html>");
		return b.toString();
	}

	private static String escape(final String s) {
		return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
	}

	private static List<String> choices(final ModuleItem<?> item) {
		if (item.getChoices() == null || item.getChoices().isEmpty()) return null;
		final List<String> out = new ArrayList<>();
		for (final Object c : item.getChoices()) out.add(c.toString());
		return out;
	}

	// ---- the dialog ----

	/** Builds the dialog (not shown yet) with these starting values (by field name). */
	public GenericDialog build(final Map<String, Object> initial) {
		dialog = new GenericDialog(info.getTitle());
		if (!macro && info.getDescription() != null && !info.getDescription().isBlank()) {
			dialog.addMessage(wrap(info.getDescription(), 70));
		}
		for (final ModuleItem<?> item : items) add(item, initial.get(item.getName()));
		dialog.addHelp(helpHtml());
		if (modelField != null && targetChoice != null) {
			modelField.addTextListener(e -> refreshTargets(modelField.getText()));
		}
		return dialog;
	}

	private void add(final ModuleItem<?> item, final Object value) {
		final GenericDialog gd = dialog;
		final Class<?> t = item.getType();
		final String key = keyLabel(item);
		final String shown = shownLabel(item);
		if (bool(t)) {
			gd.addCheckbox(key, value != null && (Boolean) value);
			if (!GraphicsEnvironment.isHeadless()) ((Checkbox) gd.getCheckboxes().lastElement()).setLabel(shown);
			return;
		}
		if (integral(t) || floating(t)) {
			final double v = value == null ? 0 : ((Number) value).doubleValue();
			gd.addNumericField(key, v, integral(t) ? 0 : digits(v), 8, null);
		}
		else if (choices(item) != null) {
			final List<String> c = choices(item);
			gd.addChoice(key, c.toArray(new String[0]), value == null || !c.contains(value.toString()) ? c.get(0) : value.toString());
		}
		else if (t == File.class) {
			final String path = value == null ? "" : ((File) value).getPath();
			final int columns = Math.max(30, Math.min(60, path.length() + 2)); // the whole path in view
			// a folder (input_dir): Browse chooses a folder, not a file
			final String style = item.getWidgetStyle();
			if (style != null && style.contains(FileWidget.DIRECTORY_STYLE)) gd.addDirectoryField(key, path, columns);
			else gd.addFileField(key, path, columns);
			if (!GraphicsEnvironment.isHeadless() && item.getName().equals(Options.MODEL_FILE)) {
				// the model's Browse lists .pt files, and the target list follows the model typed here
				modelField = (TextField) gd.getStringFields().lastElement();
				filterBrowse(modelField);
			}
		}
		else if (item.getName().equals(Options.TARGET) && !macro) {
			final String current = value == null ? Options.TARGET_PREDICTED : value.toString();
			final List<String> classes = classNames(modelField == null ? null : modelField.getText());
			if (classes.isEmpty()) {
				gd.addStringField(key, current, 16);
			}
			else {
				final List<String> choices = targetItems(classes, current);
				gd.addChoice(key, choices.toArray(new String[0]), current);
				if (!GraphicsEnvironment.isHeadless()) targetChoice = (Choice) gd.getChoices().lastElement();
			}
		}
		else {
			gd.addStringField(key, value == null ? "" : value.toString(), 16);
		}
		if (!GraphicsEnvironment.isHeadless() && gd.getLabel() != null) gd.getLabel().setText(shown);
	}

	/** Reads the dialog's values in field order (after {@link GenericDialog#showDialog()}). */
	public Map<String, Object> read() {
		final Map<String, Object> values = new LinkedHashMap<>();
		final GenericDialog gd = dialog;
		for (final ModuleItem<?> item : items) {
			final Class<?> t = item.getType();
			final Object v;
			if (bool(t)) v = gd.getNextBoolean();
			else if (t == int.class || t == Integer.class) v = (int) Math.round(gd.getNextNumber());
			else if (t == long.class || t == Long.class) v = Math.round(gd.getNextNumber());
			else if (t == float.class || t == Float.class) v = (float) gd.getNextNumber();
			else if (floating(t)) v = gd.getNextNumber();
			else if (choices(item) != null) v = gd.getNextChoice();
			else if (t == File.class) {
				final String path = gd.getNextString().trim();
				v = path.isEmpty() ? null : new File(path);
			}
			else if (item.getName().equals(Options.TARGET) && targetChoice != null) v = gd.getNextChoice();
			else v = gd.getNextString();
			values.put(item.getName(), v);
		}
		return values;
	}

	/** The labels the user sees, in order (for tests and screenshots). */
	public List<String> shownLabels() {
		final List<String> out = new ArrayList<>();
		collectLabels(dialog, out);
		return out;
	}

	private static void collectLabels(final Container c, final List<String> out) {
		for (final Component comp : c.getComponents()) {
			if (comp instanceof Label) out.add(((Label) comp).getText());
			else if (comp instanceof Checkbox) out.add(((Checkbox) comp).getLabel());
			else if (comp instanceof Container) collectLabels((Container) comp, out);
		}
	}

	private void refreshTargets(final String modelPath) {
		final List<String> classes = classNames(modelPath);
		final String selected = targetChoice.getSelectedItem();
		final List<String> wanted = targetItems(classes, selected);
		targetChoice.removeAll();
		for (final String s : wanted) targetChoice.add(s);
		targetChoice.select(selected);
	}

	/** Makes the file field's Browse button open a chooser that lists TorchScript (.pt) files. */
	private static void filterBrowse(final TextField field) {
		final Container panel = field.getParent();
		if (panel == null) return;
		for (final Component comp : panel.getComponents()) {
			if (!(comp instanceof Button)) continue;
			final Button browse = (Button) comp;
			for (final ActionListener l : browse.getActionListeners()) browse.removeActionListener(l);
			browse.addActionListener(e -> {
				final JFileChooser chooser = new JFileChooser();
				chooser.setDialogTitle("TorchScript model (.pt)");
				chooser.setFileFilter(new FileNameExtensionFilter("TorchScript model (.pt)", "pt"));
				final String current = field.getText().trim();
				if (!current.isEmpty()) {
					final File f = new File(current);
					chooser.setCurrentDirectory(f.isDirectory() ? f : f.getParentFile());
					if (f.isFile()) chooser.setSelectedFile(f);
				}
				if (chooser.showOpenDialog(panel) == JFileChooser.APPROVE_OPTION) field.setText(chooser.getSelectedFile().getPath());
			});
		}
	}

	/** Breaks a sentence into lines of at most {@code width} characters. */
	static String wrap(final String text, final int width) {
		final StringBuilder out = new StringBuilder();
		int line = 0;
		for (final String word : text.split("\\s+")) {
			if (line > 0 && line + 1 + word.length() > width) {
				out.append('\n');
				line = 0;
			}
			else if (line > 0) {
				out.append(' ');
				line++;
			}
			out.append(word);
			line += word.length();
		}
		return out.toString();
	}
}
