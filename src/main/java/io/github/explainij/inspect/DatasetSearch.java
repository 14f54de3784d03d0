package io.github.explainij.inspect;

import ai.djl.ndarray.types.Shape;

import io.github.explainij.ExplainException;
import io.github.explainij.method.Progress;
import io.github.explainij.model.Network;
import io.github.explainij.workflow.ImageFolder;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Dataset search (Zeiler and Fergus 2014): the images of a folder on which one channel of a stage reaches
 * its highest maximum activation, and for each the image patch under the unit's receptive field at that
 * maximum. The folder is streamed ({@link StageOutputs}); only the best {@code top} candidates are
 * kept, and their images are read again at the end to cut the patches.
 * <p>
 * Per image: the channel's maximum over the stage's grid and its position (ties: the first in row-major
 * order, as NumPy's argmax). Images are ranked by that maximum, highest first (ties: folder order).
 */
public final class DatasetSearch {

	/** One image found. */
	public static final class Hit {

		public final int rank;
		public final ImageFolder.Entry entry;
		/** The maximum's position on the stage's grid. */
		public final int x, y;
		public final float activation;
		/** The receptive field at (x, y) in the image's pixels, inclusive, within the image. */
		public final int x0, y0, x1, y1;
		/** The image's size, for placing a patch cut at a border. */
		public final int imageWidth, imageHeight;
		/** The patch under the receptive field, one array per channel, row-major ((x1 - x0 + 1) x (y1 - y0 + 1)). */
		public final float[][] patch;

		Hit(final int rank, final Candidate c, final int[] field, final int imageWidth, final int imageHeight, final float[][] patch) {
			this.rank = rank;
			this.entry = c.entry;
			this.x = c.x;
			this.y = c.y;
			this.activation = c.activation;
			this.x0 = field[0];
			this.y0 = field[1];
			this.x1 = field[2];
			this.y1 = field[3];
			this.imageWidth = imageWidth;
			this.imageHeight = imageHeight;
			this.patch = patch;
		}

		public int patchWidth() { return x1 - x0 + 1; }

		public int patchHeight() { return y1 - y0 + 1; }
	}

	private static final class Candidate {

		final int index;
		final ImageFolder.Entry entry;
		final int x, y;
		final float activation;

		Candidate(final int index, final ImageFolder.Entry entry, final int x, final int y, final float activation) {
			this.index = index;
			this.entry = entry;
			this.x = x;
			this.y = y;
			this.activation = activation;
		}
	}

	/** Highest activation first; ties in folder order. */
	private static final Comparator<Candidate> ORDER = Comparator.<Candidate> comparingDouble(c -> -c.activation)
		.thenComparingInt(c -> c.index);

	private DatasetSearch() {}

	/**
	 * @param layer the stage's name (spatial output [B, C, H, W])
	 * @param top how many images (at most the folder's size)
	 * @return the hits, best first
	 */
	public static List<Hit> search(final Network network, final ImageFolder folder, final String layer, final int channel, final int top,
		final Progress progress)
	{
		if (top < 1) throw new ExplainException("top must be at least 1, not " + top);
		final int stage = network.stageIndex(layer);
		final List<Candidate> best = new ArrayList<>();
		final int[] index = { 0 };
		StageOutputs.forEach(network, folder, new int[] { stage }, progress, (image, outputs, shapes) -> {
			final Shape s = shapes[0];
			if (s.dimension() != 4) {
				throw new ExplainException("the stage '" + layer + "' has no spatial maps (its output is " + s.slice(1) + "): choose one of " +
					Layers.spatialStages(network, image.planes, image.width, image.height));
			}
			final int c = (int) s.get(1), h = (int) s.get(2), w = (int) s.get(3);
			if (channel < 0 || channel >= c) {
				throw new ExplainException("channel must be 0 .. " + (c - 1) + " (the stage '" + layer + "' has " + c + " channels), not " + channel);
			}
			final float[] v = outputs[0];
			final int off = channel * h * w;
			int arg = 0;
			for (int i = 1; i < h * w; i++) {
				if (v[off + i] > v[off + arg]) arg = i;
			}
			final Candidate found = new Candidate(index[0]++, image.entry, arg % w, arg / w, v[off + arg]);
			// keep the best `top` only (sorted, ties in folder order)
			if (best.size() < top || ORDER.compare(found, best.get(best.size() - 1)) < 0) {
				best.add(found);
				best.sort(ORDER);
				if (best.size() > top) best.remove(best.size() - 1);
			}
		});
		final List<Hit> hits = new ArrayList<>();
		for (final Candidate c : best) {
			final ImageFolder.Image image = ImageFolder.read(c.entry);
			final int[] field = ReceptiveField.gradientBox(network, stage, image.planes.length, image.width, image.height,
				network.transformFor(image.planes), c.y, c.x);
			hits.add(new Hit(hits.size() + 1, c, field, image.width, image.height, crop(image, field)));
		}
		return hits;
	}

	private static float[][] crop(final ImageFolder.Image image, final int[] f) {
		final int pw = f[2] - f[0] + 1, ph = f[3] - f[1] + 1;
		final float[][] out = new float[image.planes.length][pw * ph];
		for (int c = 0; c < image.planes.length; c++) {
			for (int yy = 0; yy < ph; yy++) System.arraycopy(image.planes[c], (f[1] + yy) * image.width + f[0], out[c], yy * pw, pw);
		}
		return out;
	}
}
