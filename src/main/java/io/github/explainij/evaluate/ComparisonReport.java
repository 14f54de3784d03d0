package io.github.explainij.evaluate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The comparison of several methods over a folder: every metric's value per method and image, their
 * means with bootstrap 95% intervals ({@link Statistics#bootstrap95}), and a short Markdown report a lab
 * can attach to a model validation.
 */
public final class ComparisonReport {

	/** The name of the baseline whose maps are uniform random numbers (seeded per image). */
	public static final String RANDOM = "random";

	private final List<ImageMetric> metrics;
	private final List<String> columns = new ArrayList<>();
	/** method -> column -> values, one per image. */
	private final Map<String, Map<String, List<Double>>> values = new LinkedHashMap<>();
	private int images;

	public ComparisonReport(final List<ImageMetric> metrics) {
		this.metrics = List.copyOf(metrics);
		for (final ImageMetric m : metrics) columns.addAll(m.columns());
	}

	public List<ImageMetric> metrics() { return metrics; }

	public List<String> columns() { return List.copyOf(columns); }

	public List<String> methods() { return List.copyOf(values.keySet()); }

	/** How many images were measured (per method). */
	public int images() { return images; }

	/** Runs every metric on one image for one method and records the values. */
	public void measure(final String method, final ImageMetric.Input input) {
		final Map<String, List<Double>> byColumn = values.computeIfAbsent(method, k -> new LinkedHashMap<>());
		for (final ImageMetric m : metrics) {
			final double[] v = m.measure(input);
			for (int i = 0; i < v.length; i++) byColumn.computeIfAbsent(m.columns().get(i), k -> new ArrayList<>()).add(v[i]);
		}
		images = Math.max(images, byColumn.get(columns.get(0)).size());
	}

	/** The values of one method and column, one per image in order. */
	public double[] values(final String method, final String column) {
		return values.get(method).get(column).stream().mapToDouble(Double::doubleValue).toArray();
	}

	/** The mean and bootstrap 95% interval of one method and column (NaN values left out). */
	public Statistics.Interval interval(final String method, final String column, final long seed) {
		return Statistics.bootstrap95(values(method, column), seed);
	}

	/**
	 * The Markdown report.
	 *
	 * @param header lines about the model, data and settings ("key: value"), in order
	 */
	public String markdown(final Map<String, String> header, final long seed) {
		final StringBuilder md = new StringBuilder();
		md.append("# Explain-IJ: comparison of attribution methods\n\n");
		for (final Map.Entry<String, String> h : header.entrySet()) md.append("- **").append(h.getKey()).append("**: ").append(h.getValue()).append('\n');
		md.append("\nMeans over the images with bootstrap 95% intervals (percentile method, ").append(Statistics.BOOTSTRAP_RESAMPLES)
			.append(" resamples, seed ").append(seed).append("). `").append(RANDOM).append("` is the baseline of uniform random maps.\n\n");
		md.append("| method |");
		for (final String c : columns) md.append(' ').append(c).append(" |");
		md.append("\n|---|");
		for (int i = 0; i < columns.size(); i++) md.append("---|");
		md.append('\n');
		for (final String m : values.keySet()) {
			md.append("| ").append(m).append(" |");
			for (final String c : columns) {
				final Statistics.Interval iv = interval(m, c, seed);
				md.append(' ').append(iv.n == 0 ? "n/a" : String.format(Locale.ROOT, "%.3g [%.3g, %.3g]", iv.mean, iv.low, iv.high)).append(" |");
			}
			md.append('\n');
		}
		md.append("\n## What the numbers mean\n\n");
		for (final ImageMetric m : metrics) md.append("- ").append(m.meaning()).append('\n');
		md.append("\nAn interval that overlaps the random baseline's says that the data do not show the method to be better than chance ")
			.append("on that metric. The numbers describe the explanations of this model on these images, not the model's accuracy.\n");
		return md.toString();
	}
}
