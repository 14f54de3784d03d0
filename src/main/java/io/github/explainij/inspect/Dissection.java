package io.github.explainij.inspect;

import ai.djl.ndarray.types.Shape;

import io.github.explainij.ExplainException;
import io.github.explainij.method.Progress;
import io.github.explainij.method.cam.Upsampling;
import io.github.explainij.model.Network;
import io.github.explainij.model.Normalization;
import io.github.explainij.workflow.ImageFolder;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;

/**
 * Network dissection (Bau et al., 2017): how well each channel of a stage, thresholded, outlines a
 * concept drawn as masks over a folder of images.
 * <p>
 * For channel k, the threshold {@code T_k} is the {@code (1 - quantile)} quantile of its activations over
 * all images and positions of the folder (NumPy's default linear interpolation). Each image's map is
 * upsampled to its mask's size with PyTorch's {@code interpolate(mode="bilinear", align_corners=False)}
 * and the unit "fires" where it exceeds {@code T_k}; its IoU with the concept is the sum over the folder
 * of the intersections divided by the sum of the unions (0 when the union is empty). Units are ranked
 * by IoU (ties: lower channel first).
 * <p>
 * Memory: exact quantiles need every activation of the stage, so all of them are kept
 * (images x channels x the stage's height x width floats), plus one channel's values at a time for sorting.
 */
public final class Dissection {

	/** One channel's result. */
	public static final class Unit {

		public final int channel;
		/** T_k, the (1 - quantile) quantile of the channel's activations. */
		public final double threshold;
		/** Intersection over union with the concept over the folder. */
		public final double iou;
		/** Pixels where the unit fires and the concept is, summed over the folder. */
		public final long intersection;
		/** Pixels where the unit fires or the concept is, summed over the folder. */
		public final long union;
		/** The image (index in folder order) where the unit's own IoU is highest, or -1 when it never meets the concept. */
		public final int bestImage;
		/** That image's IoU. */
		public final double bestIou;

		Unit(final int channel, final double threshold, final long intersection, final long union, final int bestImage, final double bestIou) {
			this.channel = channel;
			this.threshold = threshold;
			this.intersection = intersection;
			this.union = union;
			this.iou = union == 0 ? 0 : intersection / (double) union;
			this.bestImage = bestImage;
			this.bestIou = bestIou;
		}
	}

	private final String layer;
	private final double quantile;
	private final List<ImageFolder.Entry> entries;
	private final float[][] maps; // per image [C, h, w]
	private final int[][] mapSize; // per image {h, w}
	private final int[][] imageSize; // per image {height, width}
	private final Unit[] units;
	private final List<Unit> ranked;

	private Dissection(final String layer, final double quantile, final List<ImageFolder.Entry> entries, final float[][] maps,
		final int[][] mapSize, final int[][] imageSize, final Unit[] units)
	{
		this.layer = layer;
		this.quantile = quantile;
		this.entries = entries;
		this.maps = maps;
		this.mapSize = mapSize;
		this.imageSize = imageSize;
		this.units = units;
		final List<Unit> r = new ArrayList<>(Arrays.asList(units));
		r.sort(Comparator.comparingDouble((Unit u) -> -u.iou).thenComparingInt(u -> u.channel));
		this.ranked = Collections.unmodifiableList(r);
	}

	/**
	 * Dissects a stage over a folder with a mask for every image.
	 *
	 * @param quantile the fraction of activations above each threshold (Bau et al.: 0.005)
	 */
	public static Dissection of(final Network network, final ImageFolder folder, final String layer, final double quantile,
		final Progress progress)
	{
		if (!(quantile > 0 && quantile < 1)) {
			throw new ExplainException("quantile must be between 0 and 1 (the fraction of each channel's activations above its threshold; " +
				"0.005 as Bau et al.), not " + quantile);
		}
		folder.requireMasks("dissect");
		final int stage = network.stageIndex(layer);
		final int n = folder.size();
		final float[][] maps = new float[n][];
		final int[][] mapSize = new int[n][];
		final int[][] imageSize = new int[n][];
		final int[] channels = { -1 };
		final int[] at = { 0 };
		StageOutputs.forEach(network, folder, new int[] { stage }, progress.part(0, 2), (image, outputs, shapes) -> {
			final Shape s = shapes[0];
			if (s.dimension() != 4) {
				throw new ExplainException("the stage '" + layer + "' has no spatial maps (its output is " + s.slice(1) + "): dissection needs " +
					"a convolutional stage; choose one of " + Layers.spatialStages(network, image.planes, image.width, image.height));
			}
			if (channels[0] < 0) channels[0] = (int) s.get(1);
			maps[at[0]] = outputs[0];
			mapSize[at[0]] = new int[] { (int) s.get(2), (int) s.get(3) };
			imageSize[at[0]] = new int[] { image.height, image.width };
			at[0]++;
		});
		final int k = channels[0];
		final double[] thresholds = new double[k];
		for (int c = 0; c < k; c++) thresholds[c] = threshold(maps, mapSize, c, 1 - quantile);
		final long[] inter = new long[k], union = new long[k];
		final int[] best = new int[k];
		Arrays.fill(best, -1);
		final double[] bestIou = new double[k];
		final Progress second = progress.part(1, 2);
		for (int i = 0; i < n; i++) {
			second.step(i, n);
			final int height = imageSize[i][0], width = imageSize[i][1];
			final boolean[] mask = ImageFolder.readMask(folder.entries().get(i), width, height);
			for (int c = 0; c < k; c++) {
				final float[] up = upsample(maps[i], mapSize[i], c, height, width);
				long in = 0, un = 0;
				for (int p = 0; p < mask.length; p++) {
					final boolean fire = up[p] > thresholds[c];
					if (fire && mask[p]) in++;
					if (fire || mask[p]) un++;
				}
				inter[c] += in;
				union[c] += un;
				if (un > 0 && in / (double) un > bestIou[c]) {
					bestIou[c] = in / (double) un;
					best[c] = i;
				}
			}
		}
		second.update(n, n);
		final Unit[] units = new Unit[k];
		for (int c = 0; c < k; c++) units[c] = new Unit(c, thresholds[c], inter[c], union[c], best[c], bestIou[c]);
		return new Dissection(layer, quantile, folder.entries(), maps, mapSize, imageSize, units);
	}

	/** The q quantile of channel c's activations over every image and position (NumPy's linear interpolation). */
	private static double threshold(final float[][] maps, final int[][] mapSize, final int c, final double q) {
		int total = 0;
		for (final int[] s : mapSize) total += s[0] * s[1];
		final float[] all = new float[total];
		int at = 0;
		for (int i = 0; i < maps.length; i++) {
			final int plane = mapSize[i][0] * mapSize[i][1];
			System.arraycopy(maps[i], c * plane, all, at, plane);
			at += plane;
		}
		Arrays.sort(all);
		return Normalization.percentileOfSorted(all, q * 100);
	}

	private static float[] upsample(final float[] map, final int[] size, final int c, final int height, final int width) {
		final int plane = size[0] * size[1];
		return Upsampling.bilinear(Arrays.copyOfRange(map, c * plane, (c + 1) * plane), size[0], size[1], height, width);
	}

	public String layer() { return layer; }

	public double quantile() { return quantile; }

	public int channels() { return units.length; }

	/** The images, in folder order (what {@link Unit#bestImage} indexes). */
	public List<ImageFolder.Entry> entries() { return entries; }

	/** Channel c's result. */
	public Unit unit(final int c) { return units[c]; }

	/** The units ranked by IoU, highest first (ties: lower channel first). */
	public List<Unit> ranked() { return ranked; }

	/** Unit's map on image i, upsampled to the image's size, row-major. */
	public float[] upsampled(final Unit unit, final int image) {
		return upsample(maps[image], mapSize[image], unit.channel, imageSize[image][0], imageSize[image][1]);
	}

	/** Where the unit fires (upsampled map above its threshold) on image i, row-major at the image's size. */
	public boolean[] fires(final Unit unit, final int image) {
		final float[] up = upsampled(unit, image);
		final boolean[] out = new boolean[up.length];
		for (int p = 0; p < up.length; p++) out[p] = up[p] > unit.threshold;
		return out;
	}

	/** Image i's {height, width}. */
	public int[] imageSize(final int image) { return imageSize[image].clone(); }
}
