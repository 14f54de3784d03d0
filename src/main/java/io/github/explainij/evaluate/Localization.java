package io.github.explainij.evaluate;

import io.github.explainij.ExplainException;

/**
 * How well a map points at a ground-truth mask (Arras et al., <i>CLEVR-XAI</i>, 2022; Zhang et al.'s
 * pointing game, 2018):
 * <ul>
 * <li>pointing game: 1 when the map's maximum lies inside the mask, else 0; of several equal maxima the
 * first in row-major order counts;</li>
 * <li>relevance mass accuracy: the positive attribution inside the mask over all positive attribution;</li>
 * <li>relevance rank accuracy: the share of the top K pixels (K = the mask's pixel count; ranked by
 * attribution, highest first, ties by index) that lie inside the mask;</li>
 * <li>attribution share inside: sum |a| inside over sum |a|.</li>
 * </ul>
 * A map with no positive (or no non-zero) attribution puts none inside: mass accuracy (share) is 0.
 * A random map scores the mask's fraction of the image on mass and rank accuracy, on average.
 */
public final class Localization {

	/** The four scores, each in [0, 1]. */
	public static final class Scores {

		public final double pointing, massAccuracy, rankAccuracy, shareInside;

		Scores(final double pointing, final double massAccuracy, final double rankAccuracy, final double shareInside) {
			this.pointing = pointing;
			this.massAccuracy = massAccuracy;
			this.rankAccuracy = rankAccuracy;
			this.shareInside = shareInside;
		}

		/** The scores in the order of {@link Localization#METRICS}. */
		public double[] values() {
			return new double[] { pointing, massAccuracy, rankAccuracy, shareInside };
		}
	}

	/** The metric names as tables show them. */
	public static final String[] METRICS = { "pointing_game", "mass_accuracy", "rank_accuracy", "share_inside" };

	private Localization() {}

	/**
	 * @param map attribution, row-major [H * W]
	 * @param mask true inside, same size
	 * @throws ExplainException when the mask is empty
	 */
	public static Scores of(final float[] map, final boolean[] mask) {
		if (map.length != mask.length) throw new IllegalArgumentException(map.length + " map values for a mask of " + mask.length);
		int inside = 0;
		for (final boolean m : mask) if (m) inside++;
		if (inside == 0) throw new ExplainException("the ground-truth mask is empty: it must mark at least one pixel");
		int max = 0;
		double posIn = 0, pos = 0, absIn = 0, abs = 0;
		for (int i = 0; i < map.length; i++) {
			final double v = map[i];
			if (v > map[max]) max = i;
			if (v > 0) {
				pos += v;
				if (mask[i]) posIn += v;
			}
			abs += Math.abs(v);
			if (mask[i]) absIn += Math.abs(v);
		}
		final int[] order = PixelOrder.byAttribution(map);
		int top = 0;
		for (int j = 0; j < inside; j++) if (mask[order[j]]) top++;
		return new Scores(mask[max] ? 1 : 0, pos == 0 ? 0 : posIn / pos, top / (double) inside, abs == 0 ? 0 : absIn / abs);
	}
}
