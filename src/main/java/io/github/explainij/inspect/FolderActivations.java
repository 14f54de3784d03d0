package io.github.explainij.inspect;

import ai.djl.ndarray.types.Shape;

import io.github.explainij.ExplainException;
import io.github.explainij.method.Progress;
import io.github.explainij.model.InputTransform;
import io.github.explainij.model.MemoryBudget;
import io.github.explainij.model.Network;
import io.github.explainij.workflow.ImageFolder;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A stage's activations for every image of a folder, streamed batch by batch (dataset search, nearest
 * examples, activation space; later dissection and influence): at most one batch of images and its
 * activations is in memory at a time, so a folder of thousands of images never is.
 * <p>
 * Batches are consecutive images of one size (as {@link ImageFolder#forEachBatch}), at most
 * {@link #MAX_BATCH} and what {@link MemoryBudget} allows for a forward pass at that size. Each image is
 * normalized with its own transform ({@link Network#transformFor}); images whose transforms differ (the
 * sidecar's percentile normalization) run in separate passes, so the values never depend on the batching.
 */
public final class FolderActivations {

	/** Upper bound of the automatic batch size (beyond it a CPU gains nothing). */
	public static final int MAX_BATCH = 32;

	private FolderActivations() {}

	/** Receives one batch: its images (folder order) and their activations at the stage. */
	@FunctionalInterface
	public interface Consumer {

		/**
		 * @param images the batch's images (raw values, file, label)
		 * @param activations their stage output, [B, C, H, W] or [B, F], row-major
		 */
		void accept(List<ImageFolder.Image> images, Network.Activations activations);
	}

	/**
	 * Runs every image of the folder to stage {@code stage} (0-based, inclusive) without gradient.
	 *
	 * @param progress images done / total; cancelling stops at the next batch
	 * @throws ExplainException naming the image when one cannot be run (channels, size)
	 */
	public static void forEach(final Network network, final ImageFolder folder, final int stage, final Progress progress,
		final Consumer consumer)
	{
		network.requireStages("reading a layer's activations over a folder");
		final ImageFolder.Image first = ImageFolder.read(folder.entries().get(0));
		final int maxBatch = batchFor(network, first, folder.size());
		folder.forEachBatch(maxBatch, progress, (images, raw) -> {
			final ImageFolder.Image one = images.get(0);
			final int perImage = one.planes.length * one.width * one.height;
			final int batch = Math.min(maxBatch, batchFor(network, one, images.size()));
			int start = 0;
			while (start < images.size()) {
				final InputTransform transform = transform(network, images.get(start));
				int end = start + 1;
				while (end < images.size() && end - start < batch && same(transform, transform(network, images.get(end)))) end++;
				final float[] part = Arrays.copyOfRange(raw, start * perImage, end * perImage);
				final Network.Activations a;
				try {
					a = network.activations(part, new Shape(end - start, one.planes.length, one.height, one.width), transform, stage);
				}
				catch (final ExplainException e) {
					throw new ExplainException(images.get(start).entry.name + (end - start > 1 ? " (and the next " + (end - start - 1) +
						" image(s))" : "") + " of " + folder.dir() + ": " + e.getMessage(), e);
				}
				consumer.accept(images.subList(start, end), a);
				start = end;
			}
		});
	}

	/** The transform of one image of the folder, refusing one the model cannot take with its file name. */
	private static InputTransform transform(final Network network, final ImageFolder.Image image) {
		try {
			return network.transformFor(image.planes);
		}
		catch (final ExplainException e) {
			throw new ExplainException("the image " + image.entry.name + ": " + e.getMessage(), e);
		}
	}

	private static boolean same(final InputTransform a, final InputTransform b) {
		return Arrays.equals(a.offset(), b.offset()) && Arrays.equals(a.divisor(), b.divisor());
	}

	private static int batchFor(final Network network, final ImageFolder.Image image, final int total) {
		final MemoryBudget.Work work = new MemoryBudget.Work(network, image.planes.length, 1, image.height, image.width);
		return MemoryBudget.batchSize(work, 0, total, MAX_BATCH, MemoryBudget.Pass.FORWARD).batch();
	}

	/**
	 * The activations of one image (not of a folder), e.g. the query of nearest examples.
	 *
	 * @param planes raw values, one array per channel, row-major
	 */
	public static Network.Activations ofImage(final Network network, final float[][] planes, final int width, final int height,
		final int stage)
	{
		return network.activations(Layers.chw(planes), new Shape(1, planes.length, height, width), network.transformFor(planes), stage);
	}

	/**
	 * Per-sample spatial means: [B, C, H, W] (or [B, C, D, H, W]) gives [B][C]; a flat stage [B, F] is kept as it is.
	 */
	public static float[][] spatialMeans(final Network.Activations a) {
		final Shape s = a.shape();
		final int b = (int) s.get(0);
		final int c = (int) s.get(1);
		final int per = (int) (s.size() / b / c);
		final float[] v = a.values();
		final float[][] out = new float[b][c];
		for (int i = 0; i < b; i++) {
			for (int k = 0; k < c; k++) {
				double sum = 0;
				final int off = (i * c + k) * per;
				for (int p = 0; p < per; p++) sum += v[off + p];
				out[i][k] = (float) (sum / per);
			}
		}
		return out;
	}

	/** The stages with spatial maps, for messages ("choose one of ..."), from the first image of the folder. */
	static List<String> spatialStages(final Network network, final ImageFolder.Image image) {
		return new ArrayList<>(Layers.spatialStages(network, image.planes, image.width, image.height));
	}
}
