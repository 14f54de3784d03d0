package io.github.explainij.evaluate;

import ai.djl.ndarray.types.Shape;

import io.github.explainij.ExplainException;
import io.github.explainij.method.Progress;
import io.github.explainij.model.Network;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * ROAR and KAR (Hooker et al., "A benchmark for interpretability methods in deep neural networks",
 * 2019): remove a fraction of every image's pixels, the most relevant ones first (ROAR, RemOve And
 * Retrain) or the least relevant ones (KAR, Keep And Retrain), fill them with the image's mean (per
 * channel), retrain the model from its initial weights on the modified training images, and measure the
 * accuracy on the modified test images. Where a method's ranking is faithful, ROAR's accuracy drops faster
 * than with a random removal, and KAR's stays higher.
 * <p>
 * Pixels are ordered by their attribution (the map's value; the sum over its slices for a per-channel
 * map), highest first, ties by index (stable); {@code round(fraction * pixels)} of them are removed, in
 * every channel. The random baseline removes the first ones of a seeded shuffle of each image's pixels.
 */
public final class Roar {

	public static final String ROAR = "roar";
	public static final String KAR = "kar";
	/** The name of the random baseline in the results. */
	public static final String RANDOM = "random";

	private Roar() {}

	/**
	 * The pixels removed at a fraction, in increasing index order.
	 *
	 * @param map one value per pixel
	 * @param mode {@link #ROAR} (the most relevant) or {@link #KAR} (the least relevant)
	 */
	public static int[] removed(final float[] map, final double fraction, final String mode) {
		final int k = count(fraction, map.length);
		final Integer[] order = new Integer[map.length];
		for (int i = 0; i < order.length; i++) order[i] = i;
		final boolean most = ROAR.equals(mode);
		// a stable sort keeps equal values in index order; -0 equals 0 (as in NumPy), unlike Float.compare
		Arrays.sort(order, (i, j) -> most ? compare(map[j], map[i]) : compare(map[i], map[j]));
		final int[] out = new int[k];
		for (int i = 0; i < k; i++) out[i] = order[i];
		Arrays.sort(out);
		return out;
	}

	private static int compare(final float a, final float b) {
		return a < b ? -1 : a > b ? 1 : 0;
	}

	/** The pixels removed by the random baseline: the first {@code round(fraction * pixels)} of a shuffle seeded with {@code seed}. */
	public static int[] removedAtRandom(final int pixels, final double fraction, final long seed) {
		final int[] order = new int[pixels];
		for (int i = 0; i < pixels; i++) order[i] = i;
		final Random random = new Random(seed);
		for (int i = pixels - 1; i > 0; i--) {
			final int j = random.nextInt(i + 1);
			final int t = order[i];
			order[i] = order[j];
			order[j] = t;
		}
		final int[] out = Arrays.copyOf(order, count(fraction, pixels));
		Arrays.sort(out);
		return out;
	}

	private static int count(final double fraction, final int pixels) {
		return (int) Math.round(fraction * pixels);
	}

	/**
	 * The image with the given pixels replaced, in every channel, by that channel's mean over the
	 * original image.
	 *
	 * @param planes raw values, one array per channel (not modified)
	 */
	public static float[][] fill(final float[][] planes, final int[] removed) {
		final float[][] out = new float[planes.length][];
		for (int c = 0; c < planes.length; c++) {
			double sum = 0;
			for (final float v : planes[c]) sum += v;
			final float mean = (float) (sum / planes[c].length);
			out[c] = planes[c].clone();
			for (final int i : removed) out[c][i] = mean;
		}
		return out;
	}

	/** A per-pixel ranking value from a map of {@code slices} slices of {@code pixels} values: the sum over slices. */
	public static float[] perPixel(final float[] map, final int pixels) {
		if (map.length == pixels) return map;
		final float[] out = new float[pixels];
		for (int i = 0; i < map.length; i++) out[i % pixels] += map[i];
		return out;
	}

	/** Whether image {@code index} (in folder order) is a test image: every 4th one, starting at the 4th. */
	public static boolean isTest(final int index) {
		return index % 4 == 3;
	}

	/** How the model is retrained. */
	public static final class Training {

		public final String optimizer;
		public final double learningRate, momentum;
		public final int epochs, batchSize;
		public final long seed;

		public Training(final String optimizer, final double learningRate, final double momentum, final int epochs, final int batchSize,
			final long seed)
		{
			if (epochs < 1) throw new ExplainException("epochs must be at least 1, not " + epochs);
			if (batchSize < 1) throw new ExplainException("batch_size must be at least 1, not " + batchSize);
			this.optimizer = optimizer;
			this.learningRate = learningRate;
			this.momentum = momentum;
			this.epochs = epochs;
			this.batchSize = batchSize;
			this.seed = seed;
		}
	}

	/**
	 * Retrains the network from the initial weights on the training inputs, then measures the accuracy on
	 * the test inputs. The order of the training images in each epoch is a shuffle seeded with the
	 * training's seed (the same for every retraining).
	 *
	 * @param copy a private copy; its weights are set to {@code initial} first
	 * @param inputs network inputs of every image [N, C, H, W] in folder order
	 * @param labels class index of every image
	 * @return the test accuracy
	 */
	public static double retrainAndTest(final Network copy, final Map<String, float[]> initial, final float[] inputs, final Shape shape,
		final int[] labels, final Training training, final Progress progress)
	{
		Retraining.restore(copy, initial);
		final Retraining trainer = new Retraining(copy, training.optimizer, training.learningRate, training.momentum);
		final int n = (int) shape.get(0), size = Math.toIntExact(shape.size() / n);
		final List<Integer> train = new ArrayList<>(), test = new ArrayList<>();
		for (int i = 0; i < n; i++) (isTest(i) ? test : train).add(i);
		if (train.isEmpty() || test.isEmpty()) {
			throw new ExplainException("ROAR needs at least 4 images: every 4th image is held out for testing, the others train the model");
		}
		final Random random = new Random(training.seed);
		for (int epoch = 0; epoch < training.epochs; epoch++) {
			progress.step(epoch, training.epochs);
			Collections.shuffle(train, random);
			for (int start = 0; start < train.size(); start += training.batchSize) {
				final List<Integer> batch = train.subList(start, Math.min(train.size(), start + training.batchSize));
				final int[] y = new int[batch.size()];
				for (int b = 0; b < batch.size(); b++) y[b] = labels[batch.get(b)];
				trainer.step(samples(inputs, batch, size), batchShape(shape, batch.size()), y);
			}
		}
		int correct = 0;
		for (int start = 0; start < test.size(); start += training.batchSize) {
			final List<Integer> batch = test.subList(start, Math.min(test.size(), start + training.batchSize));
			final int[] predicted = Retraining.predict(copy, samples(inputs, batch, size), batchShape(shape, batch.size()));
			for (int b = 0; b < batch.size(); b++) {
				if (predicted[b] == labels[batch.get(b)]) correct++;
			}
		}
		progress.step(training.epochs, training.epochs);
		return correct / (double) test.size();
	}

	/** The given samples of {@code size} values each, one after the other. */
	private static float[] samples(final float[] inputs, final List<Integer> which, final int size) {
		final float[] x = new float[which.size() * size];
		for (int b = 0; b < which.size(); b++) System.arraycopy(inputs, which.get(b) * size, x, b * size, size);
		return x;
	}

	private static Shape batchShape(final Shape shape, final int b) {
		final long[] s = shape.getShape().clone();
		s[0] = b;
		return new Shape(s);
	}
}
