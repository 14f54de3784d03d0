package io.github.explainij.evaluate;

import io.github.explainij.ExplainException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * A small CART classification tree (Breiman et al.), grown as scikit-learn's
 * {@code DecisionTreeClassifier(criterion="gini", splitter="best", max_depth, min_samples_leaf)} grows it:
 * <ul>
 * <li>a node is a leaf when it is pure, at {@code maxDepth} (the root has depth 0), or has fewer than
 * {@code max(2, 2 * minLeaf)} samples;</li>
 * <li>otherwise it takes, over every feature and every threshold halfway between two neighbouring
 * distinct values (values closer than 1e-7 count as equal), the split that leaves at least
 * {@code minLeaf} samples on each side and minimizes the sample-weighted Gini impurity of the two
 * children, even when it does not lower the impurity (as scikit-learn);</li>
 * <li>ties are broken deterministically: the first feature (in column order), then the lowest threshold,
 * wins (scikit-learn visits the features in a seeded random order instead, so on exact ties its choice
 * depends on {@code random_state}; without ties the trees are the same);</li>
 * <li>samples with value {@code <= threshold} go left; a leaf predicts its most frequent class (the lowest
 * class index among equals).</li>
 * </ul>
 */
public final class DecisionTree {

	/** scikit-learn's FEATURE_THRESHOLD: feature values closer than this are not split apart. */
	static final double FEATURE_THRESHOLD = 1e-7;

	/** scikit-learn's EPSILON: a node whose impurity is at most this is pure. */
	static final double EPSILON = Math.ulp(1.0);

	/** One node: a split (feature >= 0) or a leaf (feature == -1). */
	public static final class Node {

		public final int depth;
		/** Samples per class index at this node. */
		public final int[] counts;
		public final double gini;
		/** The class the node predicts (its most frequent). */
		public final int prediction;
		/** The feature split on, or -1 for a leaf. */
		public int feature = -1;
		public double threshold = Double.NaN;
		public Node left, right;

		Node(final int depth, final int[] counts) {
			this.depth = depth;
			this.counts = counts;
			this.gini = gini(counts);
			int best = 0;
			for (int c = 1; c < counts.length; c++) {
				if (counts[c] > counts[best]) best = c;
			}
			this.prediction = best;
		}

		public boolean isLeaf() { return feature < 0; }

		public int samples() { return Arrays.stream(counts).sum(); }
	}

	private final Node root;
	private final int features;

	private DecisionTree(final Node root, final int features) {
		this.root = root;
		this.features = features;
	}

	/**
	 * Grows a tree.
	 *
	 * @param x samples x features
	 * @param y class index of each sample (0 .. classes-1)
	 * @param classes the number of classes
	 */
	public static DecisionTree fit(final double[][] x, final int[] y, final int classes, final int maxDepth, final int minLeaf) {
		if (x.length == 0) throw new ExplainException("a decision tree needs at least one sample");
		if (maxDepth < 1) throw new ExplainException("max_depth must be at least 1, not " + maxDepth);
		if (minLeaf < 1) throw new ExplainException("min_leaf must be at least 1, not " + minLeaf);
		final int[] all = new int[x.length];
		for (int i = 0; i < all.length; i++) all[i] = i;
		final int minSplit = Math.max(2, 2 * minLeaf);
		return new DecisionTree(grow(x, y, classes, all, 0, maxDepth, minLeaf, minSplit), x[0].length);
	}

	private static Node grow(final double[][] x, final int[] y, final int classes, final int[] samples, final int depth, final int maxDepth,
		final int minLeaf, final int minSplit)
	{
		final int[] counts = new int[classes];
		for (final int s : samples) counts[y[s]]++;
		final Node node = new Node(depth, counts);
		if (depth >= maxDepth || samples.length < minSplit || node.gini <= EPSILON) return node;
		final int n = samples.length;
		double bestScore = Double.NEGATIVE_INFINITY;
		int bestFeature = -1;
		double bestThreshold = 0;
		final Integer[] order = new Integer[n];
		final int[] leftCounts = new int[classes];
		for (int f = 0; f < x[0].length; f++) {
			for (int i = 0; i < n; i++) order[i] = samples[i];
			final int feature = f;
			Arrays.sort(order, (a, b) -> Double.compare(x[a][feature], x[b][feature]));
			if (x[order[n - 1]][f] <= x[order[0]][f] + FEATURE_THRESHOLD) continue; // constant here
			Arrays.fill(leftCounts, 0);
			for (int i = 1; i < n; i++) {
				leftCounts[y[order[i - 1]]]++;
				final double before = x[order[i - 1]][f], after = x[order[i]][f];
				if (after <= before + FEATURE_THRESHOLD) continue;
				if (i < minLeaf || n - i < minLeaf) continue;
				final int[] rightCounts = new int[classes];
				for (int c = 0; c < classes; c++) rightCounts[c] = counts[c] - leftCounts[c];
				// the proxy scikit-learn maximizes: minus the sample-weighted impurities of the children
				final double score = -(i * gini(leftCounts) + (n - i) * gini(rightCounts));
				if (score > bestScore) {
					bestScore = score;
					bestFeature = f;
					double t = before / 2.0 + after / 2.0;
					if (t == after || Double.isInfinite(t)) t = before;
					bestThreshold = t;
				}
			}
		}
		if (bestFeature < 0) return node;
		node.feature = bestFeature;
		node.threshold = bestThreshold;
		final List<Integer> left = new ArrayList<>(), right = new ArrayList<>();
		for (final int s : samples) (x[s][bestFeature] <= bestThreshold ? left : right).add(s);
		node.left = grow(x, y, classes, left.stream().mapToInt(Integer::intValue).toArray(), depth + 1, maxDepth, minLeaf, minSplit);
		node.right = grow(x, y, classes, right.stream().mapToInt(Integer::intValue).toArray(), depth + 1, maxDepth, minLeaf, minSplit);
		return node;
	}

	/** The Gini impurity 1 - sum p_c^2 of class counts (0 for none). */
	static double gini(final int[] counts) {
		double n = 0;
		for (final int c : counts) n += c;
		if (n == 0) return 0;
		double sq = 0;
		for (final int c : counts) sq += (c / n) * (c / n);
		return 1 - sq;
	}

	public Node root() { return root; }

	/** The class index the tree predicts for a sample. */
	public int predict(final double[] sample) {
		if (sample.length != features) throw new ExplainException("the tree takes " + features + " features, not " + sample.length);
		Node n = root;
		while (!n.isLeaf()) n = sample[n.feature] <= n.threshold ? n.left : n.right;
		return n.prediction;
	}

	/** The nodes in depth-first order (a node, then its left subtree, then its right subtree), as scikit-learn numbers them. */
	public List<Node> nodes() {
		final List<Node> out = new ArrayList<>();
		collect(root, out);
		return Collections.unmodifiableList(out);
	}

	private static void collect(final Node n, final List<Node> out) {
		out.add(n);
		if (!n.isLeaf()) {
			collect(n.left, out);
			collect(n.right, out);
		}
	}

	/** How deep the tree grew (a lone leaf: 0). */
	public int depth() {
		return nodes().stream().mapToInt(n -> n.depth).max().orElse(0);
	}

	/**
	 * The rule as indented text a person can read:
	 * <pre>
	 * if mean intensity &lt;= 312.5 (40 images)
	 *   then mitotic (12 of 14)
	 * </pre>
	 */
	public String text(final List<String> featureNames, final List<String> classNames) {
		final StringBuilder b = new StringBuilder();
		text(root, featureNames, classNames, "", b);
		return b.toString();
	}

	private static void text(final Node n, final List<String> featureNames, final List<String> classNames, final String indent,
		final StringBuilder b)
	{
		if (n.isLeaf()) {
			b.append(indent).append("then ").append(leafText(n, classNames)).append('\n');
			return;
		}
		b.append(indent).append("if ").append(featureNames.get(n.feature)).append(" <= ").append(number(n.threshold)).append(" (")
			.append(n.samples()).append(" images)\n");
		text(n.left, featureNames, classNames, indent + "  ", b);
		b.append(indent).append("else (").append(featureNames.get(n.feature)).append(" > ").append(number(n.threshold)).append(")\n");
		text(n.right, featureNames, classNames, indent + "  ", b);
	}

	/** "mitotic (12 of 14)": a leaf's class and how many of its training images the model gave that class. */
	public static String leafText(final Node n, final List<String> classNames) {
		return className(n.prediction, classNames) + " (" + n.counts[n.prediction] + " of " + n.samples() + ")";
	}

	static String className(final int c, final List<String> classNames) {
		return c < classNames.size() ? classNames.get(c) : "class " + c;
	}

	/** A threshold with enough digits to be reproduced (up to 6 significant digits, no exponent for usual values). */
	public static String number(final double v) {
		if (v == Math.rint(v) && Math.abs(v) < 1e15) return String.format(Locale.ROOT, "%.1f", v);
		final String s = String.format(Locale.ROOT, "%.6g", v);
		if (s.contains("e")) return s;
		return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", ".0") : s;
	}
}
