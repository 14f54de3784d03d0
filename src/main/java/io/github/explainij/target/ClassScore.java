package io.github.explainij.target;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

import io.github.explainij.ExplainException;

/**
 * The score of one class: a classifier's logit or softmax probability ({@code logits[b, k]}), or, for a
 * dense output [B, K, (D,) H, W], the class's per-pixel logit or probability (softmax over the class
 * axis) reduced over a {@link Region}. The one place where Explain-IJ selects a class.
 */
public final class ClassScore implements Target {

	private final int classIndex;
	private final ScoreKind kind;
	private final Region region;

	public ClassScore(final int classIndex, final ScoreKind kind, final Region region) {
		this.classIndex = classIndex;
		this.kind = kind;
		this.region = region;
	}

	/** A classifier's class score (the whole image). */
	public static ClassScore of(final int classIndex, final ScoreKind kind) {
		return new ClassScore(classIndex, kind, Region.whole(Region.Reduce.MEAN));
	}

	public int classIndex() { return classIndex; }

	public ScoreKind kind() { return kind; }

	public Region region() { return region; }

	/** The same target with another score kind (e.g. the probability beside an explained logit). */
	public ClassScore withKind(final ScoreKind k) {
		return new ClassScore(classIndex, k, region);
	}

	/**
	 * Every class's score, [B, K]: logits (or probabilities) of a classifier; region means (or sums) of
	 * each class's per-pixel scores for a dense output.
	 */
	public static NDArray classScores(final NDArray output, final ScoreKind kind, final Region region) {
		if (output.getShape().dimension() < 2) {
			throw new ExplainException("the model's output has shape " + output.getShape() + "; expected [B, K] or [B, K, (D,) H, W]");
		}
		return region.reduce(kind == ScoreKind.PROBABILITY ? output.softmax(1) : output);
	}

	@Override
	public NDArray score(final NDArray output) {
		final NDArray scores = classScores(output, kind, region);
		final int b = (int) scores.getShape().get(0), k = (int) scores.getShape().get(1);
		if (classIndex < 0 || classIndex >= k) throw new ExplainException("target class " + classIndex + " is outside 0.." + (k - 1));
		final float[] oneHot = new float[b * k];
		for (int i = 0; i < b; i++) oneHot[i * k + classIndex] = 1;
		return scores.mul(output.getManager().create(oneHot, new Shape(b, k))).sum(new int[] { 1 });
	}
}
