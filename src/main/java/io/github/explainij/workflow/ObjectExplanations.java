package io.github.explainij.workflow;

import io.github.explainij.ExplainException;
import io.github.explainij.image.ImagePlusAdapter;
import io.github.explainij.method.Attribution;
import io.github.explainij.method.ExplainRequest;
import io.github.explainij.method.Progress;
import io.github.explainij.model.Network;
import io.github.explainij.target.Region;
import io.github.explainij.target.ScoreKind;
import io.github.explainij.target.TargetSpec;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.view.Views;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;

/**
 * Explains each object of an image separately: "why is THIS object called mitotic". For a
 * segmentation network (a dense output) each object is the region its class score is read over; for a
 * classifier each object's bounding box, padded by {@code context} pixels, is cropped and explained on
 * its own (resized to the model's input when the model has a fixed size, as any image), and the map is
 * pasted back at the object's place. The method never sees objects: it gets one request per object.
 */
public final class ObjectExplanations {

	/** One object's numbers, for the results table. */
	public static final class Row {

		public final int index;
		public final int label;
		public final String name;
		public final int classIndex;
		public final String className;
		public final float score;
		/** Sum of the attribution over the object's pixels. */
		public final double inside;
		/** Sum of the attribution over the other pixels. */
		public final double outside;
		/** Share of the absolute attribution that falls inside the object. */
		public final double shareInside;

		Row(final int index, final ObjectMask object, final Attribution a, final float[] map) {
			this.index = index;
			this.label = object.label();
			this.name = object.name();
			this.classIndex = a.targetClass();
			this.className = a.targetName();
			this.score = a.score();
			double in = 0, out = 0, absIn = 0, absAll = 0;
			final float[] mask = object.mask();
			for (int i = 0; i < map.length; i++) {
				final double v = map[i];
				if (mask[i] != 0) {
					in += v;
					absIn += Math.abs(v);
				}
				else {
					out += v;
				}
				absAll += Math.abs(v);
			}
			this.inside = in;
			this.outside = out;
			this.shareInside = absAll == 0 ? 0 : absIn / absAll;
		}
	}

	/** Every object's map at the image's size, and its row. */
	public static final class Result {

		private final List<Attribution> maps;
		private final List<Row> rows;
		private final boolean crops;

		Result(final List<Attribution> maps, final List<Row> rows, final boolean crops) {
			this.maps = Collections.unmodifiableList(maps);
			this.rows = Collections.unmodifiableList(rows);
			this.crops = crops;
		}

		/** One attribution per object, [X, Y] at the image's size, in object order. */
		public List<Attribution> maps() { return maps; }

		public List<Row> rows() { return rows; }

		/** Whether the objects were explained as crops (a classifier) rather than as regions of a dense output. */
		public boolean crops() { return crops; }

		/**
		 * All maps as one [X, Y, N] attribution, slices named after the objects; its target reads "N objects"
		 * (each object's class and score are in the rows; the class index and score recorded are the first
		 * object's).
		 */
		public Attribution stacked() {
			final Attribution first = maps.get(0);
			final int w = (int) first.map().dimension(0), h = (int) first.map().dimension(1), n = w * h;
			final float[] all = new float[maps.size() * n];
			final List<String> labels = new ArrayList<>();
			for (int i = 0; i < maps.size(); i++) {
				System.arraycopy(ImagePlusAdapter.toChw(maps.get(i).map()), 0, all, i * n, n);
				labels.add(rows.get(i).name);
			}
			return new Attribution(ArrayImgs.floats(all, w, h, maps.size()), first.method(), first.targetClass(), maps.size() + " objects",
				first.score(), first.logits(), first.signed(), first.parameters(), first.results(), labels);
		}
	}

	private ObjectExplanations() {}

	/**
	 * @param image the image [X, Y, C] in raw values
	 * @param context pixels of surrounding added to each side of a classifier's crop
	 * @param method the attribution method, called once per object
	 */
	public static Result run(final Network network, final RandomAccessibleInterval<FloatType> image, final TargetSpec target,
		final ScoreKind score, final Region.Reduce reduce, final List<ObjectMask> objects, final int context,
		final Function<ExplainRequest, Attribution> method, final Progress progress)
	{
		if (objects.isEmpty()) throw new ExplainException("there are no objects to explain (the region or label image is empty)");
		if (context < 0) throw new ExplainException("context must be 0 or more pixels, not " + context);
		final int w = (int) image.dimension(0), h = (int) image.dimension(1);
		final boolean dense = new ExplainRequest(network, image, target, score, Region.whole(reduce), Progress.NONE).isDense();
		final List<Attribution> maps = new ArrayList<>();
		final List<Row> rows = new ArrayList<>();
		for (int i = 0; i < objects.size(); i++) {
			final ObjectMask o = objects.get(i);
			if (o.width() != w || o.height() != h) {
				throw new ExplainException("the objects' mask is " + o.width() + "x" + o.height() + " but the image is " + w + "x" + h +
					": give a label image or mask of the image's size");
			}
			if (o.area() == 0) throw new ExplainException("the object '" + o.name() + "' contains no pixel");
			final Progress part = progress.part(i, objects.size());
			Attribution a;
			float[] map;
			if (dense) {
				final Region region = Region.of(o.mask(), new int[] { h, w }, reduce, o.name());
				a = method.apply(new ExplainRequest(network, image, target, score, region, part));
				// one region keeps the method's own stack (alphas, channels); several are stacked one map each
				map = objects.size() == 1 ? summed(a, w * h) : single(a);
			}
			else {
				final int x0 = Math.max(0, o.x0() - context), y0 = Math.max(0, o.y0() - context);
				final int x1 = Math.min(w - 1, o.x1() + context), y1 = Math.min(h - 1, o.y1() + context);
				final RandomAccessibleInterval<FloatType> crop = crop(image, x0, y0, x1, y1);
				a = method.apply(new ExplainRequest(network, crop, target, score, Region.whole(reduce), part));
				final float[] cropMap = single(a);
				map = new float[w * h];
				final int cw = x1 - x0 + 1;
				for (int y = y0; y <= y1; y++) System.arraycopy(cropMap, (y - y0) * cw, map, y * w + x0, cw);
				a = new Attribution(ArrayImgs.floats(map, w, h), a.method(), a.targetClass(), a.targetName(), a.score(), a.logits(),
					a.signed(), a.parameters(), a.results(), null)
					.withResult("crop", x0 + "," + y0 + "," + x1 + "," + y1 + " (x0,y0,x1,y1; context " + context + " px)");
				a = a.withParameter("region", o.name());
			}
			maps.add(a);
			rows.add(new Row(i + 1, o, a, map));
		}
		return new Result(maps, rows, !dense);
	}

	/** The object's single-slice map, row-major. */
	private static float[] single(final Attribution a) {
		if (a.map().numDimensions() > 2 && a.map().dimension(2) > 1) {
			throw new ExplainException(a.method() + " gives " + a.map().dimension(2) + " slices (per channel, or per step) for each object; " +
				"one slice per object needs one map per object: switch off per_channel, or explain one object at a time");
		}
		return ImagePlusAdapter.toChw(a.map());
	}

	/** The map summed over its slices (for the table of a single region with a stack), row-major. */
	private static float[] summed(final Attribution a, final int n) {
		return io.github.explainij.method.ChannelMaps.sum(ImagePlusAdapter.toChw(a.map()), (int) (Views.iterable(a.map()).size() / n), n);
	}

	/** A copy of the pixels x0..x1, y0..y1 (inclusive) of every channel. */
	static RandomAccessibleInterval<FloatType> crop(final RandomAccessibleInterval<FloatType> image, final int x0, final int y0,
		final int x1, final int y1)
	{
		final int w = (int) image.dimension(0);
		final float[][] planes = ImagePlusAdapter.planes(image);
		final int cw = x1 - x0 + 1, ch = y1 - y0 + 1;
		final float[][] out = new float[planes.length][cw * ch];
		for (int c = 0; c < planes.length; c++) {
			for (int y = 0; y < ch; y++) System.arraycopy(planes[c], (y + y0) * w + x0, out[c], y * cw, cw);
		}
		return ImagePlusAdapter.fromPlanes(out, cw, ch);
	}
}
