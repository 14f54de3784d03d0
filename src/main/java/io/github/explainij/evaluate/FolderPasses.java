package io.github.explainij.evaluate;

import ai.djl.ndarray.types.Shape;

import io.github.explainij.ExplainException;
import io.github.explainij.method.Batching;
import io.github.explainij.method.Progress;
import io.github.explainij.model.InputTransform;
import io.github.explainij.model.MemoryBudget;
import io.github.explainij.model.Network;
import io.github.explainij.workflow.ImageFolder;

import java.util.Arrays;
import java.util.List;

/**
 * Forward passes over every image of a folder, in batches under the memory budget: the model's outputs
 * (optionally after editing the raw values, e.g. pasting a patch) or a stage's activations averaged over
 * space. Images whose normalization differs (a per-image percentile normalization) run one at a time,
 * so every image gets its own transform, as when it is explained alone.
 */
final class FolderPasses {

	/** Changes a batch's raw values [B, C, H, W] in place before the pass. */
	@FunctionalInterface
	interface Edit {
		void apply(float[] raw, Shape shape);
	}

	/** What one pass returns for a batch: one row per image. */
	@FunctionalInterface
	private interface Pass {
		float[][] run(float[] raw, Shape shape, InputTransform transform);
	}

	private FolderPasses() {}

	/** The model's output (logits [K]) for every image, in folder order, after {@code edit} (null: none). */
	static float[][] outputs(final Network network, final ImageFolder folder, final Edit edit, final Progress progress) {
		return run(network, folder, progress, (raw, shape, transform) -> {
			if (edit != null) edit.apply(raw, shape);
			final float[] out = network.logits(raw, shape, transform);
			return rows(out, (int) shape.get(0));
		});
	}

	/**
	 * A stage's activations averaged over space ([B, C, H, W] -> C values; a flat [B, F] stage as it is)
	 * for every image, in folder order.
	 */
	static float[][] pooled(final Network network, final ImageFolder folder, final int stage, final Progress progress) {
		return run(network, folder, progress, (raw, shape, transform) -> {
			final Network.Activations a = network.activations(raw, shape, transform, stage);
			final int b = (int) a.shape().get(0);
			final int features = (int) a.shape().get(1);
			final int positions = (int) (a.shape().size() / ((long) b * features));
			final float[] v = a.values();
			final float[][] out = new float[b][features];
			for (int i = 0; i < b; i++) {
				for (int f = 0; f < features; f++) {
					double sum = 0;
					final int at = (i * features + f) * positions;
					for (int p = 0; p < positions; p++) sum += v[at + p];
					out[i][f] = (float) (sum / positions);
				}
			}
			return out;
		});
	}

	/** The index of the largest value (the first of equal ones). */
	static int argmax(final float[] v) {
		int best = 0;
		for (int i = 1; i < v.length; i++) {
			if (v[i] > v[best]) best = i;
		}
		return best;
	}

	private static float[][] rows(final float[] flat, final int b) {
		final int k = flat.length / b;
		final float[][] out = new float[b][];
		for (int i = 0; i < b; i++) out[i] = Arrays.copyOfRange(flat, i * k, (i + 1) * k);
		return out;
	}

	private static float[][] run(final Network network, final ImageFolder folder, final Progress progress, final Pass pass) {
		final ImageFolder.Image first = ImageFolder.read(folder.entries().get(0));
		final int n = folder.size();
		final MemoryBudget.Work work = new MemoryBudget.Work(network, first.planes.length, 1, first.height, first.width);
		final int automatic = Batching.batchSize(0, (long) first.planes.length * first.width * first.height, n);
		final int batch = MemoryBudget.batchSize(work, 0, n, automatic, MemoryBudget.Pass.FORWARD).batch();
		final float[][] out = new float[n][];
		final int[] done = { 0 };
		folder.forEachBatch(batch, progress, (images, raw) -> {
			final ImageFolder.Image one = images.get(0);
			final int size = one.planes.length * one.width * one.height;
			final List<InputTransform> transforms = images.stream().map(i -> network.transformFor(i.planes)).toList();
			final boolean same = transforms.stream().allMatch(t -> Arrays.equals(t.offset(), transforms.get(0).offset()) &&
				Arrays.equals(t.divisor(), transforms.get(0).divisor()));
			if (same) {
				final float[][] rows = pass.run(raw, new Shape(images.size(), one.planes.length, one.height, one.width), transforms.get(0));
				for (final float[] r : rows) out[done[0]++] = r;
			}
			else {
				for (int b = 0; b < images.size(); b++) {
					out[done[0]++] = pass.run(Arrays.copyOfRange(raw, b * size, (b + 1) * size), new Shape(1, one.planes.length, one.height,
						one.width), transforms.get(b))[0];
				}
			}
		});
		if (done[0] != n) throw new ExplainException("the folder " + folder.dir() + " changed while it was read: run again");
		return out;
	}
}
