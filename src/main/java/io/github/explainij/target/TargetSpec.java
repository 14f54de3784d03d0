package io.github.explainij.target;

import io.github.explainij.ExplainException;

import java.util.List;

/**
 * What is explained: the predicted class (default), a class index (0-based, as PyTorch counts) or a
 * class name from the sidecar. Resolved against the model's logits for one image.
 */
public final class TargetSpec {

	public static final String PREDICTED = "predicted";

	private final String text;

	private TargetSpec(final String text) {
		this.text = text;
	}

	/** Parses "predicted" (or empty), an index such as "2", or a class name. */
	public static TargetSpec parse(final String text) {
		final String t = text == null ? "" : text.trim();
		return new TargetSpec(t.isEmpty() || t.equalsIgnoreCase(PREDICTED) || t.equalsIgnoreCase("top1") ? PREDICTED : t);
	}

	public static TargetSpec predicted() {
		return new TargetSpec(PREDICTED);
	}

	public static TargetSpec index(final int index) {
		return new TargetSpec(Integer.toString(index));
	}

	public boolean isPredicted() {
		return text.equals(PREDICTED);
	}

	/**
	 * @param logits the model's logits for the image
	 * @param classNames the sidecar's class names (may be empty)
	 * @return the class index
	 */
	public int resolve(final float[] logits, final List<String> classNames) {
		if (isPredicted()) return argmax(logits);
		if (text.matches("-?\\d+")) {
			final int i = Integer.parseInt(text);
			if (i < 0 || i >= logits.length) {
				throw new ExplainException("target class " + i + " does not exist: the model has " + logits.length +
					" classes, numbered 0.." + (logits.length - 1) + (classNames.isEmpty() ? "" : " " + classNames));
			}
			return i;
		}
		for (int i = 0; i < classNames.size(); i++) {
			if (classNames.get(i).equalsIgnoreCase(text)) {
				if (i >= logits.length) break;
				return i;
			}
		}
		throw new ExplainException("target class '" + text + "' is not one of the model's classes" +
			(classNames.isEmpty() ? " (its sidecar names none: give an index 0.." + (logits.length - 1) + ")"
				: ": " + classNames + " (or give an index 0.." + (logits.length - 1) + ")"));
	}

	public static int argmax(final float[] v) {
		int best = 0;
		for (int i = 1; i < v.length; i++) {
			if (v[i] > v[best]) best = i;
		}
		return best;
	}

	public static float[] softmax(final float[] logits) {
		double max = Double.NEGATIVE_INFINITY;
		for (final float l : logits) max = Math.max(max, l);
		double sum = 0;
		final double[] e = new double[logits.length];
		for (int i = 0; i < e.length; i++) {
			e[i] = Math.exp(logits[i] - max);
			sum += e[i];
		}
		final float[] p = new float[logits.length];
		for (int i = 0; i < p.length; i++) p[i] = (float) (e[i] / sum);
		return p;
	}

	@Override
	public String toString() {
		return text;
	}
}
