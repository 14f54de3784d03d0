package io.github.explainij.cli;

import java.util.Collection;
import java.util.Locale;

/** Suggestions for mistyped names: the closest candidate by edit distance, if it is close enough. */
final class DidYouMean {

	private DidYouMean() {}

	/**
	 * The candidate closest to {@code typed} (case-insensitive Levenshtein distance, a transposition
	 * counting as one edit), if at most a third of the longer name's letters (at least 1, at most 3)
	 * differ; or a candidate that starts with what was typed (at least 3 letters); else null.
	 */
	static String closest(final String typed, final Collection<String> candidates) {
		final String t = typed.toLowerCase(Locale.ROOT);
		String best = null;
		int bestDistance = Integer.MAX_VALUE;
		for (final String c : candidates) {
			final int d = distance(t, c.toLowerCase(Locale.ROOT));
			if (d < bestDistance) {
				best = c;
				bestDistance = d;
			}
		}
		if (best != null && bestDistance <= Math.min(3, Math.max(1, Math.max(t.length(), best.length()) / 3))) return best;
		if (t.length() >= 3) {
			String prefixed = null;
			for (final String c : candidates) {
				if (c.toLowerCase(Locale.ROOT).startsWith(t)) {
					if (prefixed != null) return null; // ambiguous
					prefixed = c;
				}
			}
			return prefixed;
		}
		return null;
	}

	/** "; did you mean X?" or "" when nothing is close. */
	static String hint(final String typed, final Collection<String> candidates, final String prefix) {
		final String c = closest(typed, candidates);
		return c == null ? "" : "; did you mean " + prefix + c + "?";
	}

	/** Optimal string alignment distance: insertions, deletions, substitutions and adjacent transpositions. */
	static int distance(final String a, final String b) {
		final int[][] d = new int[a.length() + 1][b.length() + 1];
		for (int i = 0; i <= a.length(); i++) d[i][0] = i;
		for (int j = 0; j <= b.length(); j++) d[0][j] = j;
		for (int i = 1; i <= a.length(); i++) {
			for (int j = 1; j <= b.length(); j++) {
				final int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
				d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
				if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
					d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
				}
			}
		}
		return d[a.length()][b.length()];
	}
}
