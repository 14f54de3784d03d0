package io.github.explainij.workflow;

import io.github.explainij.ExplainException;
import io.github.explainij.image.ImagePlusAdapter;
import io.github.explainij.method.Attribution;
import io.github.explainij.method.ExplainRequest;
import io.github.explainij.method.Progress;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.real.FloatType;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Explains every Z slice and T frame of a stack with a 2D model: one request per plane (all channels of
 * that plane), the maps assembled in ImageJ's order (z fastest, then t) into one [X, Y, Z*T]
 * attribution whose slices are labelled {@code z=.. t=..}. The method never sees the stack.
 */
public final class PlaneExplanations {

	private PlaneExplanations() {}

	/**
	 * @param planeAt the image [X, Y, C] at (z, t), 1-based
	 * @param request builds the request for one plane with the given progress
	 */
	public static Attribution run(final int slices, final int frames,
		final BiFunction<Integer, Integer, RandomAccessibleInterval<FloatType>> planeAt,
		final BiFunction<RandomAccessibleInterval<FloatType>, Progress, ExplainRequest> request,
		final Function<ExplainRequest, Attribution> method, final Progress progress)
	{
		final int planes = slices * frames;
		final List<Attribution> maps = new ArrayList<>();
		final List<String> labels = new ArrayList<>();
		int w = 0, h = 0;
		for (int t = 1; t <= frames; t++) {
			for (int z = 1; z <= slices; z++) {
				final int index = maps.size();
				final Attribution a = method.apply(request.apply(planeAt.apply(z, t), progress.part(index, planes)));
				if (a.map().numDimensions() > 2 && a.map().dimension(2) > 1) {
					throw new ExplainException(a.method() + " gives " + a.map().dimension(2) + " slices per plane; planes=all needs one map " +
						"per plane (switch off per_channel, or use planes=current)");
				}
				w = (int) a.map().dimension(0);
				h = (int) a.map().dimension(1);
				maps.add(a);
				labels.add("z=" + z + " t=" + t);
				if (progress.isCanceled()) throw new Progress.Cancelled();
			}
		}
		final int n = w * h;
		final float[] all = new float[planes * n];
		for (int i = 0; i < planes; i++) System.arraycopy(ImagePlusAdapter.toChw(maps.get(i).map()), 0, all, i * n, n);
		final Attribution first = maps.get(0);
		return new Attribution(ArrayImgs.floats(all, w, h, planes), first.method(), first.targetClass(), first.targetName(), first.score(),
			first.logits(), first.signed(), first.parameters(), first.results(), labels)
			.withResult("planes", planes + " (" + slices + " slices x " + frames + " frames; class and score above are the first plane's)");
	}
}
