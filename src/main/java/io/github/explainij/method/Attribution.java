package io.github.explainij.method;

import io.github.explainij.ExplainException;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.view.Views;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A method's result: the raw attribution map at the image's own size ([X, Y]; or [X, Y, N] for a stack:
 * per input channel, per step, per class, ...), and what is needed to reproduce and read it.
 */
public final class Attribution {

	private final RandomAccessibleInterval<FloatType> map;
	private final String method;
	private final int targetClass;
	private final String targetName;
	private final float score;
	private final float[] logits;
	private final boolean signed;
	private final Map<String, String> parameters;
	private final Map<String, String> results;
	private final List<String> sliceLabels;

	public Attribution(final RandomAccessibleInterval<FloatType> map, final String method, final int targetClass,
		final String targetName, final float score, final float[] logits, final boolean signed,
		final Map<String, String> parameters)
	{
		this(map, method, targetClass, targetName, score, logits, signed, parameters, Map.of(), null);
	}

	/**
	 * @param results numbers the method found besides the map (e.g. a completeness gap), as text
	 * @param sliceLabels names of the slices of an [X, Y, N] map (null: "channel 1", ...)
	 */
	public Attribution(final RandomAccessibleInterval<FloatType> map, final String method, final int targetClass,
		final String targetName, final float score, final float[] logits, final boolean signed,
		final Map<String, String> parameters, final Map<String, String> results, final List<String> sliceLabels)
	{
		this(map, method, targetClass, targetName, score, logits, signed, parameters, results, sliceLabels, true);
	}

	/** @param check whether to refuse NaN or infinite values (a copy of a checked result needs no check) */
	private Attribution(final RandomAccessibleInterval<FloatType> map, final String method, final int targetClass,
		final String targetName, final float score, final float[] logits, final boolean signed,
		final Map<String, String> parameters, final Map<String, String> results, final List<String> sliceLabels, final boolean check)
	{
		if (check) requireFinite(map, method);
		this.results = Collections.unmodifiableMap(new LinkedHashMap<>(results));
		this.sliceLabels = sliceLabels == null ? null : List.copyOf(sliceLabels);
		this.map = map;
		this.method = method;
		this.targetClass = targetClass;
		this.targetName = targetName;
		this.score = score;
		this.logits = logits.clone();
		this.signed = signed;
		this.parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
	}

	/** The same result with one more recorded parameter (put first; a parameter of that name is replaced). */
	public Attribution withParameter(final String key, final String value) {
		final Map<String, String> p = new LinkedHashMap<>();
		p.put(key, value);
		for (final Map.Entry<String, String> e : parameters.entrySet()) p.putIfAbsent(e.getKey(), e.getValue());
		return new Attribution(map, method, targetClass, targetName, score, logits, signed, p, results, sliceLabels, false);
	}

	/** The same result with its slices named (e.g. "z=1", "z=2", ... for a volume). */
	public Attribution withSliceLabels(final List<String> labels) {
		return new Attribution(map, method, targetClass, targetName, score, logits, signed, parameters, results, labels, false);
	}

	/** The same result with one more result value. */
	public Attribution withResult(final String key, final String value) {
		final Map<String, String> r = new LinkedHashMap<>(results);
		r.put(key, value);
		return new Attribution(map, method, targetClass, targetName, score, logits, signed, parameters, r, sliceLabels, false);
	}

	/**
	 * The same result recording how much model work it took, for the benchmark: {@code forward}
	 * passes in all (one per input image the network saw), {@code backward} of them also run backward.
	 * The limit a method is compared with is the model's own batched throughput for that work.
	 */
	public Attribution withPasses(final long forward, final long backward) {
		return withResult("forward_passes", Long.toString(forward)).withResult("backward_passes", Long.toString(backward));
	}

	/**
	 * Refuses a map with NaN or infinite values (issue 8: nonsense is never a result), saying where the
	 * first one is.
	 */
	private static void requireFinite(final RandomAccessibleInterval<FloatType> map, final String method) {
		long bad = 0, first = -1, i = 0;
		for (final FloatType t : Views.flatIterable(map)) {
			if (!Float.isFinite(t.get())) {
				if (first < 0) first = i;
				bad++;
			}
			i++;
		}
		if (bad == 0) return;
		final long w = map.dimension(0), h = map.numDimensions() > 1 ? map.dimension(1) : 1;
		final String slice = map.numDimensions() > 2 ? ", slice " + (first / (w * h) + 1) : "";
		throw new ExplainException(method + " gave " + bad + " NaN or infinite attribution value(s), the first at x=" + first % w +
			", y=" + first / w % h + slice + ": the model's scores or gradients overflow for this image. Check the model and the " +
			"sidecar's normalization, or try another method");
	}

	/** Raw values, [X, Y] or [X, Y, C]. */
	public RandomAccessibleInterval<FloatType> map() { return map; }

	/** The method's display name, e.g. "Saliency Map". */
	public String method() { return method; }

	public int targetClass() { return targetClass; }

	public String targetName() { return targetName; }

	/** The explained score (logit or probability) of the target class. */
	public float score() { return score; }

	public float[] logits() { return logits.clone(); }

	/** Whether values can be negative (a diverging colour map suits them). */
	public boolean signed() { return signed; }

	/** Every parameter that shaped the result, in order, as text. */
	public Map<String, String> parameters() { return parameters; }

	/** Values the method computed besides the map (recorded in the image's Info and properties). */
	public Map<String, String> results() { return results; }

	/** Names of the slices of an [X, Y, N] map, or null for input channels. */
	public List<String> sliceLabels() { return sliceLabels; }
}
