package io.github.explainij.command;

import ij.IJ;
import ij.ImagePlus;
import ij.gui.Plot;
import ij.measure.ResultsTable;
import ij.text.TextWindow;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an inside-the-network or evaluation command produces: named images (the first is the main one:
 * {@code --out} on the command line, the active image after a run in ImageJ), at most one results table,
 * plots, texts (a Markdown report) and named values ({@code objective_end}). Fiji and plain ImageJ show
 * them ({@link #show()}); the command line writes them to files; tests read them.
 */
public final class AnalysisResults {

	private final Map<String, ImagePlus> images = new LinkedHashMap<>();
	private final Map<String, Plot> plots = new LinkedHashMap<>();
	private final Map<String, Text> texts = new LinkedHashMap<>();
	private final Map<String, String> properties = new LinkedHashMap<>();
	private ResultsTable table;
	private String tableTitle;

	/** A text output: its file suffix (e.g. "md") and content. */
	public static final class Text {

		public final String suffix;
		public final String content;

		Text(final String suffix, final String content) {
			this.suffix = suffix;
			this.content = content;
		}
	}

	/** Adds an image; the first one added is the main output. Keys are lower-case words ("trajectory"). */
	public AnalysisResults image(final String key, final ImagePlus imp) {
		images.put(key, imp);
		for (final Map.Entry<String, String> p : properties.entrySet()) imp.setProp(p.getKey(), p.getValue());
		return this;
	}

	/** The results table, shown under {@code title} in ImageJ. */
	public AnalysisResults table(final String title, final ResultsTable t) {
		table = t;
		tableTitle = title;
		return this;
	}

	public AnalysisResults plot(final String key, final Plot plot) {
		plots.put(key, plot);
		return this;
	}

	/** A text output, e.g. {@code text("report", "md", markdown)}. */
	public AnalysisResults text(final String key, final String suffix, final String content) {
		texts.put(key, new Text(suffix, content));
		return this;
	}

	/**
	 * A named value, recorded on every output image, added before or after it (Image > Show Info,
	 * {@code Property.get} in macros, the TIFF's properties), and printed by the command line.
	 */
	public AnalysisResults property(final String key, final String value) {
		properties.put(key, value);
		for (final ImagePlus imp : images.values()) imp.setProp(key, value);
		return this;
	}

	public Map<String, ImagePlus> images() { return Collections.unmodifiableMap(images); }

	/** The main image, or null when the command makes none (a table only). */
	public ImagePlus main() { return images.isEmpty() ? null : images.values().iterator().next(); }

	public Map<String, Plot> plots() { return Collections.unmodifiableMap(plots); }

	public Map<String, Text> texts() { return Collections.unmodifiableMap(texts); }

	public Map<String, String> properties() { return Collections.unmodifiableMap(properties); }

	/** The table, or null. */
	public ResultsTable table() { return table; }

	public String tableTitle() { return tableTitle; }

	/**
	 * Shows everything in ImageJ: texts, plots and the table first, the main image last so that it is the
	 * active image when the command returns (what a macro works on next).
	 */
	public void show() {
		for (final Map.Entry<String, Text> t : texts.entrySet()) {
			if (IJ.getInstance() != null) new TextWindow("Explain-IJ " + t.getKey(), t.getValue().content, 640, 480);
		}
		for (final Plot plot : plots.values()) plot.show();
		if (table != null) table.show(tableTitle);
		final ImagePlus main = main();
		for (final ImagePlus imp : images.values()) {
			if (imp != main) imp.show();
		}
		if (main != null) main.show();
	}
}
