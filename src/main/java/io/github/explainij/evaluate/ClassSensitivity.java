package io.github.explainij.evaluate;

/**
 * Class sensitivity (Rebuffi et al. 2020; Sixt et al. 2020): the maps of two classes for the same image
 * compared by Pearson and Spearman correlation, and their difference a - b. An explanation that barely
 * changes with the class (correlation near 1) explains the image, not the decision.
 */
public final class ClassSensitivity {

	/** Pearson and Spearman correlation (NaN when a map is constant) and the difference a - b. */
	public static final class Result {

		public final double pearson, spearman;
		public final float[] difference;

		Result(final double pearson, final double spearman, final float[] difference) {
			this.pearson = pearson;
			this.spearman = spearman;
			this.difference = difference;
		}
	}

	private ClassSensitivity() {}

	public static Result of(final float[] a, final float[] b) {
		if (a.length != b.length) throw new IllegalArgumentException(a.length + " values against " + b.length);
		final double[] da = Statistics.toDouble(a), db = Statistics.toDouble(b);
		final float[] diff = new float[a.length];
		for (int i = 0; i < a.length; i++) diff[i] = a[i] - b[i];
		return new Result(Statistics.pearson(da, db), Statistics.spearman(da, db), diff);
	}
}
