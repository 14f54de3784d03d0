package io.github.explainij.inspect;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import io.github.explainij.ExplainException;
import io.github.explainij.image.ImagePlusAdapter;
import io.github.explainij.method.Batching;
import io.github.explainij.method.Progress;
import io.github.explainij.model.MemoryBudget;
import io.github.explainij.model.Network;
import io.github.explainij.model.Normalization;
import io.github.explainij.workflow.ImageFolder;

import java.util.Arrays;
import java.util.List;

/**
 * The outputs of some stages for every image of a folder (or for one image), in one forward pass per
 * batch: the network runs from the input to the first stage asked for, then on to the next, without
 * gradient. Images of one size share a batch when the sidecar's normalization is the same for every
 * image (none, range, meanstd); a per-image normalization (percentile) runs image by image. Batches are
 * the sampling methods' automatic size ({@link Batching}), within what {@link MemoryBudget} allows for a
 * forward pass at the images' size; at most one batch is in memory, so a folder of thousands of images
 * never is. A failure (an image the model cannot take) names the image.
 */
public final class StageOutputs {

	/** Receives one image's stage outputs, in folder order. */
	@FunctionalInterface
	public interface Consumer {

		/**
		 * @param image the image read from the folder
		 * @param outputs the outputs of the stages asked for, in their order, row-major
		 * @param shapes their shapes, with a batch dimension of 1
		 */
		void accept(ImageFolder.Image image, float[][] outputs, Shape[] shapes);
	}

	private StageOutputs() {}

	/**
	 * Runs every image of the folder.
	 *
	 * @param stages stage indices (0-based, inclusive), ascending
	 */
	public static void forEach(final Network network, final ImageFolder folder, final int[] stages, final Progress progress,
		final Consumer consumer)
	{
		final ImageFolder.Image first = ImageFolder.read(folder.entries().get(0));
		final boolean perImage = network.spec().normalization().type() == Normalization.Type.PERCENTILE;
		folder.forEachBatch(perImage ? 1 : batchFor(network, first, folder.size()), progress, (images, raw) -> {
			final ImageFolder.Image im = images.get(0);
			// a later batch of larger images is split further, so that every pass stays under the memory budget
			final int fits = batchFor(network, im, images.size());
			for (int start = 0; start < images.size(); start += fits) {
				final int end = Math.min(images.size(), start + fits);
				final int per = im.planes.length * im.height * im.width;
				final float[] part = start == 0 && end == images.size() ? raw : Arrays.copyOfRange(raw, start * per, end * per);
				deliver(network, folder, images.subList(start, end), part, stages, consumer);
			}
		});
	}

	/**
	 * The automatic batch for images like this one: the sampling methods' choice (input and speed), within
	 * what the memory budget allows for a forward pass at that size.
	 */
	private static int batchFor(final Network network, final ImageFolder.Image image, final int total) {
		final int automatic = Batching.batchSize(0, (long) image.planes.length * image.width * image.height, total);
		final MemoryBudget.Work work = new MemoryBudget.Work(network, image.planes.length, 1, image.height, image.width);
		return MemoryBudget.batchSize(work, 0, total, automatic, MemoryBudget.Pass.FORWARD).batch();
	}

	/** Runs one batch and hands each image's outputs on; a failure names the batch's first image. */
	private static void deliver(final Network network, final ImageFolder folder, final List<ImageFolder.Image> images, final float[] raw,
		final int[] stages, final Consumer consumer)
	{
		final ImageFolder.Image im = images.get(0);
		final Shape shape = new Shape(images.size(), im.planes.length, im.height, im.width);
		final Result r;
		try {
			r = run(network, raw, shape, im.planes, stages);
		}
		catch (final Progress.Cancelled e) {
			throw e;
		}
		catch (final ExplainException e) {
			throw new ExplainException("the image " + im.entry.name + (images.size() > 1 ? " (or one of the next " + (images.size() - 1) +
				")" : "") + " of " + folder.dir() + ": " + e.getMessage(), e);
		}
		for (int b = 0; b < images.size(); b++) {
			final float[][] outputs = new float[stages.length][];
			final Shape[] shapes = new Shape[stages.length];
			for (int s = 0; s < stages.length; s++) {
				final int n = r.values[s].length / images.size();
				outputs[s] = Arrays.copyOfRange(r.values[s], b * n, (b + 1) * n);
				final long[] dims = r.shapes[s].getShape();
				dims[0] = 1;
				shapes[s] = new Shape(dims);
			}
			consumer.accept(images.get(b), outputs, shapes);
		}
	}

	/** The outputs of these stages for one image (its raw planes, row-major). */
	public static float[][] of(final Network network, final float[][] planes, final int width, final int height, final int[] stages,
		final Shape[] shapes)
	{
		final Result r = run(network, ImagePlusAdapter.chw(planes), new Shape(1, planes.length, height, width), planes, stages);
		System.arraycopy(r.shapes, 0, shapes, 0, stages.length);
		return r.values;
	}

	private static final class Result {

		final float[][] values;
		final Shape[] shapes;

		Result(final int n) {
			values = new float[n][];
			shapes = new Shape[n];
		}
	}

	/** One forward pass of a batch through the stages asked for; the transform is that of {@code planes}' image. */
	private static Result run(final Network network, final float[] raw, final Shape shape, final float[][] planes, final int[] stages) {
		network.requireStages("reading a layer's activations");
		final Result r = new Result(stages.length);
		try (NDManager scope = network.manager().newSubManager()) {
			NDArray a = network.transformFor(planes).apply(scope.create(raw, shape));
			int at = 0;
			for (int s = 0; s < stages.length; s++) {
				a = network.forwardLayers(a, at, stages[s] + 1, false);
				at = stages[s] + 1;
				r.values[s] = a.toFloatArray();
				r.shapes[s] = a.getShape();
			}
		}
		return r;
	}
}
