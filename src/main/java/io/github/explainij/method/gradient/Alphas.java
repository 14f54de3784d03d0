package io.github.explainij.method.gradient;

import io.github.explainij.ExplainException;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * A list of scaling factors written as text: numbers separated by commas, where {@code ...} continues
 * the arithmetic sequence of the two numbers before it up to the number after it, so
 * {@code 0.02,0.04,...,1.0} is 0.02, 0.04, 0.06, ..., 1.0 (50 values). Decimal arithmetic, so the
 * values and their labels are exactly what was typed. Each value must lie in [0, 1].
 */
public final class Alphas {

	/** The classic sweep of interior gradients. */
	public static final String DEFAULT = "0.02,0.04,...,1.0";

	/** More values than this is a typing error. */
	public static final int MAX_VALUES = 1000;

	private Alphas() {}

	public static List<BigDecimal> parse(final String text) {
		if (text == null || text.isBlank()) throw new ExplainException("alphas is empty: give numbers in [0, 1] such as " + DEFAULT);
		final String[] items = text.split(",");
		final List<BigDecimal> values = new ArrayList<>();
		for (int t = 0; t < items.length; t++) {
			final String item = items[t].trim();
			if (item.equals("...") || item.equals("\u2026")) {
				if (values.size() < 2 || t + 1 >= items.length || items[t + 1].trim().equals("...")) {
					throw new ExplainException("in alphas '" + text + "', '...' needs two numbers before it and one after it (e.g. " + DEFAULT + ")");
				}
				final BigDecimal last = number(items[t + 1].trim(), text);
				final BigDecimal prev = values.get(values.size() - 1);
				final BigDecimal step = prev.subtract(values.get(values.size() - 2));
				if (step.signum() == 0 || last.subtract(prev).signum() != step.signum()) {
					throw new ExplainException("in alphas '" + text + "', the sequence before '...' does not run towards " + last);
				}
				final BigDecimal[] count = last.subtract(prev).divideAndRemainder(step);
				if (count[1].signum() != 0) {
					throw new ExplainException("in alphas '" + text + "', " + last + " is not reached in steps of " + step.abs());
				}
				if (values.size() + count[0].intValue() > MAX_VALUES) throw tooMany(text);
				BigDecimal v = prev;
				for (int k = 0; k < count[0].intValue() - 1; k++) values.add(v = v.add(step));
				continue; // the number after '...' is added as the next item
			}
			values.add(number(item, text));
			if (values.size() > MAX_VALUES) throw tooMany(text);
		}
		return values;
	}

	private static ExplainException tooMany(final String text) {
		return new ExplainException("alphas '" + text + "' gives more than " + MAX_VALUES + " values");
	}

	private static BigDecimal number(final String item, final String text) {
		final BigDecimal v;
		try {
			v = new BigDecimal(item);
		}
		catch (final NumberFormatException e) {
			throw new ExplainException("alphas '" + text + "': '" + item + "' is not a number; give numbers in [0, 1] separated by commas, e.g. " +
				DEFAULT);
		}
		if (v.signum() < 0 || v.compareTo(BigDecimal.ONE) > 0) {
			throw new ExplainException("alphas '" + text + "': " + item + " is outside [0, 1] (the image is scaled by alpha)");
		}
		return v;
	}

	/** How a value is shown in slice labels: "0.02", "1". */
	public static String label(final BigDecimal v) {
		return v.signum() == 0 ? "0" : v.stripTrailingZeros().toPlainString();
	}
}
