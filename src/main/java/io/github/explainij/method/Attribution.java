package io.github.explainij.method;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.real.FloatType;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A method's result: the raw attribution map ([X, Y], or [X, Y, C] per channel) at the image's own
 * size, and what is needed to reproduce and read it.
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

	public Attribution(final RandomAccessibleInterval<FloatType> map, final String method, final int targetClass,
		final String targetName, final float score, final float[] logits, final boolean signed,
		final Map<String, String> parameters)
	{
		this.map = map;
		this.method = method;
		this.targetClass = targetClass;
		this.targetName = targetName;
		this.score = score;
		this.logits = logits.clone();
		this.signed = signed;
		this.parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
	}

	/** The same result with one more recorded parameter (put first). */
	public Attribution withParameter(final String key, final String value) {
		final Map<String, String> p = new LinkedHashMap<>();
		p.put(key, value);
		p.putAll(parameters);
		return new Attribution(map, method, targetClass, targetName, score, logits, signed, p);
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
}
