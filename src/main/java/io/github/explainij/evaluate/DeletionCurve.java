package io.github.explainij.evaluate;

import io.github.explainij.ExplainException;
import io.github.explainij.method.Batching;
import io.github.explainij.method.ExplainRequest;
import io.github.explainij.method.Progress;
import io.github.explainij.method.perturbation.Fill;
import io.github.explainij.model.MemoryBudget;
import io.github.explainij.target.ClassScore;

import java.util.Locale;
import java.util.Random;

/**
 * Deletion and insertion curves (pixel flipping, Samek et al. 2017; Petsiuk et al. 2018): the pixels are
 * taken in an order (by attribution, highest first, {@link PixelOrder}); at step i of N the first
 * {@code round(i * P / N)} pixels (all channels) are replaced by the fill (deletion), or, starting from
 * the fill image, put back (insertion), and the request's target score (its class, score kind and
 * region) is read after each step. The area under the curve is taken by the trapezoid rule over the
 * fraction i / N in [0, 1]. A faithful map makes the deletion curve fall fast (low AUC) and the
 * insertion curve rise fast (high AUC). The N + 1 images are run in batches under the memory budget.
 */
public final class DeletionCurve {

	/** Removing the most relevant pixels first, or inserting them first into the fill image. */
	public enum Mode {
		DELETION, INSERTION;

		public static Mode parse(final String s) {
			switch (s == null ? "" : s.trim().toLowerCase(Locale.ROOT)) {
				case "deletion": return DELETION;
				case "insertion": return INSERTION;
				default: throw new ExplainException("mode must be deletion or insertion, not '" + s + "'");
			}
		}

		public String key() {
			return name().toLowerCase(Locale.ROOT);
		}
	}

	/** A curve: the fraction of pixels changed, the score after each step, and the area under it. */
	public static final class Curve {

		public final double[] fractions;
		public final double[] scores;
		public final double auc;

		Curve(final double[] fractions, final double[] scores) {
			this.fractions = fractions;
			this.scores = scores;
			this.auc = Statistics.trapezoid(fractions, scores);
		}
	}

	private final Mode mode;
	private final int steps;
	private final Fill fill;

	/**
	 * @param steps N, the number of steps (the curve has N + 1 points)
	 * @param fill zero, mean or blur (raw image space, {@link Fill})
	 */
	public DeletionCurve(final Mode mode, final int steps, final String fill) {
		if (steps < 1) throw new ExplainException("steps must be at least 1, not " + steps);
		this.mode = mode;
		this.steps = steps;
		if (Fill.VALUE.equalsIgnoreCase(fill == null ? "" : fill.trim())) throw new ExplainException("fill must be zero, mean or blur, not 'value'");
		this.fill = Fill.parse(fill, 0, false);
	}

	public Mode mode() { return mode; }

	public int steps() { return steps; }

	public Fill fill() { return fill; }

	/** How many pixels of {@code pixels} are changed at step i: round(i * P / N), halves up. */
	public static int changed(final int i, final int pixels, final int steps) {
		return (int) ((2L * i * pixels + steps) / (2L * steps));
	}

	/** The curve of a map (row-major [H * W]); {@code segments} (or null) orders by superpixels. */
	public Curve of(final ExplainRequest request, final float[] map, final int[] segments) {
		if (map.length != request.width() * request.height()) {
			throw new IllegalArgumentException(map.length + " map values for a " + request.width() + "x" + request.height() + " image");
		}
		return run(request, segments == null ? PixelOrder.byAttribution(map) : PixelOrder.bySuperpixels(map, segments), request.progress());
	}

	/**
	 * The random baseline: the mean curve of {@code repeats} random orders (of pixels, or of superpixels
	 * when {@code segments} is given) drawn one after the other by {@code java.util.Random(seed)}.
	 */
	public Curve random(final ExplainRequest request, final int[] segments, final int repeats, final long seed) {
		if (repeats < 1) throw new ExplainException("repeats must be at least 1, not " + repeats);
		final Random random = new Random(seed);
		final double[] sum = new double[steps + 1];
		Curve c = null;
		for (int r = 0; r < repeats; r++) {
			final int[] order = segments == null ? PixelOrder.random(request.width() * request.height(), random)
				: PixelOrder.randomSuperpixels(segments, random);
			c = run(request, order, request.progress().part(r, repeats));
			for (int i = 0; i <= steps; i++) sum[i] += c.scores[i];
		}
		for (int i = 0; i <= steps; i++) sum[i] /= repeats;
		return new Curve(c.fractions, sum);
	}

	/** The curve of a given order of the pixels. */
	public Curve run(final ExplainRequest request, final int[] order, final Progress progress) {
		if (request.isVolume()) throw new ExplainException("deletion and insertion curves are computed for 2D images; explain one plane");
		final int p = request.width() * request.height(), channels = request.channels();
		if (order.length != p) throw new IllegalArgumentException(order.length + " pixels ordered for " + p);
		final float[] pixels = request.pixels();
		final float[] filled = fill.image(pixels, channels, request.width(), request.height(), null);
		final float[] start = mode == Mode.DELETION ? pixels : filled;
		final float[] end = mode == Mode.DELETION ? filled : pixels;
		final int total = steps + 1, size = channels * p;
		final int automatic = Batching.batchSize(0, size, total);
		final int batch = MemoryBudget.batchSize(request.memoryWork(), 0, total, automatic, MemoryBudget.Pass.FORWARD).batch();
		final ClassScore target = request.targetFunction();
		final double[] scores = new double[total];
		float[] buffer = new float[Math.min(batch, total) * size];
		progress.step(0, total);
		for (int first = 0; first < total; first += batch) {
			final int count = Math.min(batch, total - first);
			if (buffer.length != count * size) buffer = new float[count * size];
			for (int b = 0; b < count; b++) {
				final int o = b * size, k = changed(first + b, p, steps);
				System.arraycopy(start, 0, buffer, o, size);
				for (int j = 0; j < k; j++) {
					final int px = order[j];
					for (int c = 0; c < channels; c++) buffer[o + c * p + px] = end[c * p + px];
				}
			}
			final float[] s = request.network().scores(buffer, request.inputShape(count), request.transform(), target);
			for (int b = 0; b < count; b++) scores[first + b] = s[b];
			progress.step(first + count, total);
		}
		final double[] fractions = new double[total];
		for (int i = 0; i <= steps; i++) fractions[i] = i / (double) steps;
		return new Curve(fractions, scores);
	}
}
