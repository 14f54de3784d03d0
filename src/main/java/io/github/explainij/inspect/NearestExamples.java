package io.github.explainij.inspect;

import ai.djl.ndarray.types.Shape;

import io.github.explainij.ExplainException;
import io.github.explainij.method.Progress;
import io.github.explainij.model.Network;
import io.github.explainij.workflow.ImageFolder;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Explanation by example: the images of a folder closest to one image in a stage's activations, the
 * activations flattened ({@link Pool#NONE}) or averaged over space first ({@link Pool#MEAN}: one value
 * per channel, which compares images of any size and ignores where things are). Distances:
 * <ul>
 * <li>euclidean: {@code sqrt(sum (a - b)^2)};</li>
 * <li>cosine: {@code 1 - a.b / (|a| |b|)} (SciPy's {@code cosine}; 0 for the same direction, 2 for the
 * opposite; 1 when a vector is all zeros).</li>
 * </ul>
 * Computed in double from the float32 activations. Ranked nearest first (ties: folder order); the folder
 * is streamed and only the best {@code k} are kept.
 */
public final class NearestExamples {

	/** The choices' names (macro values, command line). */
	public static final String COSINE = "cosine", EUCLIDEAN = "euclidean", POOL_NONE = "none", POOL_MEAN = "mean";

	/** How two images' activations are compared. */
	public enum Metric {
		COSINE, EUCLIDEAN;

		/** "cosine" or "euclidean". */
		public static Metric of(final String name) {
			return choice(values(), name, "metric");
		}

		@Override
		public String toString() {
			return name().toLowerCase(Locale.ROOT);
		}
	}

	/** Whether activations are compared as they are or averaged over space first. */
	public enum Pool {
		NONE, MEAN;

		/** "none" or "mean". */
		public static Pool of(final String name) {
			return choice(values(), name, "pool");
		}

		@Override
		public String toString() {
			return name().toLowerCase(Locale.ROOT);
		}
	}

	/** The choice named (any case), or a refusal listing the choices. */
	private static <E extends Enum<E>> E choice(final E[] values, final String name, final String what) {
		for (final E v : values) {
			if (v.name().equalsIgnoreCase(name == null ? "" : name.trim())) return v;
		}
		throw new ExplainException(what + " must be one of " + java.util.Arrays.toString(values) + ", not '" + name + "'");
	}

	/** One image found. */
	public static final class Neighbour {

		public final int rank;
		public final ImageFolder.Entry entry;
		public final double distance;

		Neighbour(final int rank, final ImageFolder.Entry entry, final double distance) {
			this.rank = rank;
			this.entry = entry;
			this.distance = distance;
		}
	}

	private static final class Candidate {

		final int index;
		final ImageFolder.Entry entry;
		final double distance;

		Candidate(final int index, final ImageFolder.Entry entry, final double distance) {
			this.index = index;
			this.entry = entry;
			this.distance = distance;
		}
	}

	private NearestExamples() {}

	/**
	 * @param planes the query image's raw values, one array per channel, row-major
	 * @param k how many neighbours (at most the folder's size)
	 * @return the neighbours, nearest first
	 */
	public static List<Neighbour> find(final Network network, final float[][] planes, final int width, final int height,
		final ImageFolder folder, final String layer, final Metric metric, final Pool pool, final int k, final Progress progress)
	{
		if (k < 1) throw new ExplainException("k must be at least 1, not " + k);
		final int stage = network.stageIndex(layer);
		final Shape[] queryShapes = new Shape[1];
		final float[] q = StageOutputs.of(network, planes, width, height, new int[] { stage }, queryShapes)[0];
		final double[] query = features(q, queryShapes[0], pool);
		final Shape queryShape = queryShapes[0].slice(1);
		final List<Candidate> best = new ArrayList<>();
		final int[] index = { 0 };
		final Comparator<Candidate> order = Comparator.<Candidate> comparingDouble(c -> c.distance).thenComparingInt(c -> c.index);
		StageOutputs.forEach(network, folder, new int[] { stage }, progress, (image, outputs, shapes) -> {
			if (pool == Pool.NONE && !shapes[0].slice(1).equals(queryShape)) {
				throw new ExplainException("the image " + image.entry.name + " (" + image.width + "x" + image.height + ") gives activations " +
					shapes[0].slice(1) + " at '" + layer + "', the image " + width + "x" + height + " gives " + queryShape + ": with pool=none " +
					"every image must have the same size; use pool=mean to compare images of different sizes");
			}
			final Candidate found = new Candidate(index[0]++, image.entry, distance(metric, query, features(outputs[0], shapes[0], pool)));
			if (best.size() < k || order.compare(found, best.get(best.size() - 1)) < 0) {
				best.add(found);
				best.sort(order);
				if (best.size() > k) best.remove(best.size() - 1);
			}
		});
		final List<Neighbour> out = new ArrayList<>();
		for (final Candidate c : best) out.add(new Neighbour(out.size() + 1, c.entry, c.distance));
		return out;
	}

	/** One image's feature vector: its flattened activations, or their per-channel spatial means. */
	static double[] features(final float[] values, final Shape shape, final Pool pool) {
		if (pool == Pool.MEAN) return Layers.channelMeans(values, shape);
		final double[] out = new double[values.length];
		for (int j = 0; j < values.length; j++) out[j] = values[j];
		return out;
	}

	/** The distance between two feature vectors of equal length. */
	public static double distance(final Metric metric, final double[] a, final double[] b) {
		if (metric == Metric.EUCLIDEAN) {
			double s = 0;
			for (int i = 0; i < a.length; i++) s += (a[i] - b[i]) * (a[i] - b[i]);
			return Math.sqrt(s);
		}
		double dot = 0, na = 0, nb = 0;
		for (int i = 0; i < a.length; i++) {
			dot += a[i] * b[i];
			na += a[i] * a[i];
			nb += b[i] * b[i];
		}
		if (na == 0 || nb == 0) return 1;
		return 1 - dot / Math.sqrt(na * nb);
	}
}
