package io.github.explainij.method.perturbation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import io.github.explainij.method.ExplainRequest;
import io.github.explainij.model.InputTransform;
import io.github.explainij.model.Network;
import io.github.explainij.target.ClassScore;
import io.github.explainij.target.ScoreKind;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Occlusion by incremental inference (Krypton: Nakandala, Kumar and Papakonstantinou, <i>Incremental
 * and Approximate Inference for Faster Occlusion-based Deep CNN Explanations</i>, SIGMOD 2019). The
 * unoccluded image is run once, stage by stage, and every stage's output is kept. An occluding window
 * changes only a box of the input; at each convolution-like stage (conv, max or average pooling, with
 * the ReLUs and batch norms after it) only the outputs that box reaches are recomputed, from a patch
 * of the kept input with the window's changed values pasted in and the halo the stage reads; the
 * changed box grows stage by stage. Many windows run in one batch per stage (patches of equal size).
 * Once a stage is global (a global average pooling, updated from the box's change of sum; flatten,
 * linear) or the changed box would cover more than {@link #FULL_SHARE} of a stage's output, or a stage
 * is of a kind whose reach is unknown, the kept input of that stage with the box pasted in is run to
 * the end in full. The scores equal those of full re-inference up to float rounding.
 * <p>
 * Patches are cut so that the stage's own padding only ever falls where the real one does: a patch
 * starts on the stage's stride grid, at or before the first input the first recomputed output reads
 * (or at the border), and only outputs whose whole input window lies in the patch (or beyond the real
 * border) are kept.
 */
final class IncrementalOcclusion {

	/** The share of a stage's output above which the changed box is not worth patching: full inference from there on. */
	static final double FULL_SHARE = 0.5;

	/** Values per batched tensor the chunk of windows is sized for (16 MB: many windows per call, few calls). */
	static final long CHUNK_VALUES = 4L << 20;

	private static final int MAX_CHUNK = 1024;

	private static final Set<String> ELEMENTWISE = Set.of("relu", "batchnorm");

	private static final Set<String> CONVOLUTION_LIKE = Set.of("conv", "maxpool", "avgpool");

	/** Stages {@code from .. to-1}: one convolution-like (or elementwise) stage and the elementwise stages after it. */
	private static final class Step {

		final int from;
		final int to;
		final StageGeometry y;
		final StageGeometry x;
		/** The kept input of stage {@code from}, [C, H, W]. */
		final float[] input;
		final int channels;
		final int height;
		final int width;
		final int outChannels;
		final int outHeight;
		final int outWidth;
		/** Outputs recomputed per window along y and x (the changed box at the next stage's input). */
		final int boxY;
		final int boxX;
		/**
		 * What stands for the stage's padding beyond the border (0 for convolution and average pooling, a
		 * value below any activation for max pooling), so that every patch has one size and the windows
		 * run in one batch; NaN: patches are cut at the border instead (and batched by size).
		 */
		final float margin;

		Step(final int from, final int to, final StageGeometry y, final StageGeometry x, final float[] input, final Shape in, final Shape out,
			final int boxY, final int boxX, final float margin)
		{
			this.margin = margin;
			this.from = from;
			this.to = to;
			this.y = y;
			this.x = x;
			this.input = input;
			this.channels = (int) in.get(1);
			this.height = (int) in.get(2);
			this.width = (int) in.get(3);
			this.outChannels = (int) out.get(1);
			this.outHeight = (int) out.get(2);
			this.outWidth = (int) out.get(3);
			this.boxY = boxY;
			this.boxX = boxX;
		}
	}

	private final Network network;
	private final List<Step> steps;
	private final int stages;
	/** The first stage run in full (== stages: none). */
	private final int tail;
	/** The kept input of stage {@link #tail} [C, H, W] (without batch), with its shape. */
	private final float[] tailInput;
	private final Shape tailShape;
	/** When the tail starts after a global average pooling: the kept input of that pooling, whose mean is updated by the box; else null. */
	private final float[] pooledInput;
	/** The changed box at the network's input: the window, in pixels. */
	private final int windowY;
	private final int windowX;
	private final String why;

	private IncrementalOcclusion(final Network network, final List<Step> steps, final int stages, final int tail, final float[] tailInput,
		final Shape tailShape, final float[] pooledInput, final int windowY, final int windowX, final String why)
	{
		this.network = network;
		this.steps = steps;
		this.stages = stages;
		this.tail = tail;
		this.tailInput = tailInput;
		this.tailShape = tailShape;
		this.pooledInput = pooledInput;
		this.windowY = windowY;
		this.windowX = windowX;
		this.why = why;
	}

	private static IncrementalOcclusion impossible(final String why) {
		return new IncrementalOcclusion(null, List.of(), 0, 0, null, null, null, 0, 0, why);
	}

	/** Whether windows can be computed incrementally (at least one stage patched). */
	boolean possible() {
		return why == null;
	}

	/** Why not, or null. */
	String whyNot() {
		return why;
	}

	/** What was patched and what ran in full, for the result's record. */
	String describe() {
		if (why != null) return "no (" + why + ")";
		final List<String> names = network.layerNames();
		final List<String> cut = new ArrayList<>();
		for (final Step s : steps) if (Float.isNaN(s.margin)) cut.add(names.get(s.from));
		final String patched = names.get(0) + ".." + names.get(steps.get(steps.size() - 1).to - 1) +
			(cut.isEmpty() ? "" : " (" + String.join(", ", cut) + " cut at the border)");
		final String rest = pooledInput != null ? "global mean " + names.get(tail - 1) + " updated" + (tail < stages ? ", " + names.get(tail) +
			".." + names.get(stages - 1) + " in full" : "") : tail < stages ? names.get(tail) + ".." + names.get(stages - 1) + " in full" : "nothing in full";
		return "yes (" + patched + " by patches, " + rest + ")";
	}

	/**
	 * Plans incremental occlusion of windows of {@code window} pixels on this request: runs the image once
	 * stage by stage, keeps the stages' outputs, and measures each stage's geometry.
	 */
	static IncrementalOcclusion plan(final ExplainRequest request, final int window) {
		final Network network = request.network();
		if (request.isVolume()) return impossible("volumes are occluded by full passes");
		if (!network.hasStages() || network.stagesProblem() != null) return impossible("the model does not expose usable stages");
		final List<String> kinds = network.layerKinds();
		if (kinds.isEmpty()) return impossible("the model does not tell its stages' kinds (layer_kinds)");
		final var spec = network.spec();
		final int c = request.channels(), h = request.height(), w = request.width();
		if (spec.hasFixedSize() && (spec.height() != h || spec.width() != w)) {
			return impossible("the model resizes the image to " + spec.width() + "x" + spec.height());
		}
		final int n = kinds.size();
		final List<Step> steps = new ArrayList<>();
		float[] a = transformed(request.pixels(), c, h * w, request.transform());
		Shape shape = new Shape(1, c, h, w);
		int boxY = Math.min(window, h), boxX = Math.min(window, w);
		int stage = 0;
		float[] pooledInput = null;
		// the kept outputs live in Java memory: stop keeping them (the rest runs in full) before they take a quarter of what is free
		final Runtime runtime = Runtime.getRuntime();
		final long keepable = (runtime.maxMemory() - runtime.totalMemory() + runtime.freeMemory()) / 4;
		long kept = 4L * a.length;
		boolean memory = false;
		while (stage < n && shape.dimension() == 4) {
			final String kind = kinds.get(stage);
			if (!ELEMENTWISE.contains(kind) && !CONVOLUTION_LIKE.contains(kind)) break;
			int end = stage + 1;
			while (end < n && ELEMENTWISE.contains(kinds.get(end))) end++;
			final float[] out;
			final Shape outShape;
			try (NDManager scope = network.manager().newSubManager()) {
				final NDArray o = network.forwardLayers(scope.create(a, shape), stage, end, false);
				outShape = o.getShape();
				out = o.toFloatArray();
			}
			if (outShape.dimension() != 4) break;
			kept += 4L * out.length;
			if (kept > keepable) {
				memory = true;
				break;
			}
			final int oh = (int) outShape.get(2), ow = (int) outShape.get(3);
			if (kind.equals("avgpool") && oh == 1 && ow == 1 && end == stage + 1 && isMean(a, out, (int) shape.get(1), (int) (shape.get(2) * shape.get(3)))) {
				// a global average pooling: its output is updated from the box's change of sum
				pooledInput = a;
				stage = end;
				a = out;
				shape = outShape;
				break;
			}
			final StageGeometry[] g = ELEMENTWISE.contains(kind) ? new StageGeometry[] { StageGeometry.ELEMENTWISE, StageGeometry.ELEMENTWISE }
				: StageGeometry.measure(network, stage, (int) shape.get(1), (int) shape.get(2), (int) shape.get(3));
			if (g == null || !g[0].gives((int) shape.get(2), oh) || !g[1].gives((int) shape.get(3), ow)) break;
			final int my = Math.min(oh, g[0].reach(boxY)), mx = Math.min(ow, g[1].reach(boxX));
			if ((double) my * mx > FULL_SHARE * oh * ow) break;
			final Step uniform = new Step(stage, end, g[0], g[1], a, shape, outShape, my, mx, kind.equals("maxpool") ? BELOW_ANY : 0f);
			steps.add(reproduces(network, uniform, boxY, boxX, out) ? uniform
				: new Step(stage, end, g[0], g[1], a, shape, outShape, my, mx, Float.NaN));
			boxY = my;
			boxX = mx;
			a = out;
			shape = outShape;
			stage = end;
		}
		if (steps.isEmpty()) {
			return impossible(memory ? "the first stage's output would take more than a quarter of the free Java memory"
				: "the first stage, " + network.layerNames().get(0) + " (" + kinds.get(0) + "), cannot be patched");
		}
		return new IncrementalOcclusion(network, steps, n, stage, a, shape, pooledInput, Math.min(window, h), Math.min(window, w), null);
	}

	/** Stands for max pooling's padding (minus infinity) beyond the border: finite, so the stages' checks pass. */
	private static final float BELOW_ANY = -1e30f;

	/**
	 * Whether patches of one size, with the step's margin beyond the border, give the kept output at the
	 * top-left and bottom-right corners (where the margin is read).
	 */
	private static boolean reproduces(final Network network, final Step s, final int boxY, final int boxX, final float[] out) {
		final int[] oy = { 0, s.height - boxY }, ox = { 0, s.width - boxX };
		final float[][] values = new float[2][s.channels * boxY * boxX];
		for (int i = 0; i < 2; i++) {
			for (int k = 0; k < s.channels; k++) {
				for (int y = 0; y < boxY; y++) {
					System.arraycopy(s.input, (k * s.height + oy[i] + y) * s.width + ox[i], values[i], (k * boxY + y) * boxX, boxX);
				}
			}
		}
		step(network, s, boxY, boxX, oy, ox, values);
		double largest = 1, worst = 0;
		for (int i = 0; i < 2; i++) {
			for (int k = 0; k < s.outChannels; k++) {
				for (int y = 0; y < s.boxY; y++) {
					for (int x = 0; x < s.boxX; x++) {
						final float kept = out[(k * s.outHeight + oy[i] + y) * s.outWidth + ox[i] + x];
						largest = Math.max(largest, Math.abs(kept));
						worst = Math.max(worst, Math.abs(kept - values[i][(k * s.boxY + y) * s.boxX + x]));
					}
				}
			}
		}
		return worst <= 1e-5 * largest;
	}

	/** Whether {@code out} [C] is the spatial mean of {@code in} [C, plane] (to float precision). */
	private static boolean isMean(final float[] in, final float[] out, final int channels, final int plane) {
		if (out.length != channels || plane < 2) return false;
		for (int c = 0; c < channels; c++) {
			double sum = 0;
			for (int i = 0; i < plane; i++) sum += in[c * plane + i];
			final double mean = sum / plane;
			if (Math.abs(mean - out[c]) > 1e-5 * (1 + Math.abs(mean))) return false;
		}
		return true;
	}

	/** Raw [C, N] values as network input: (raw - offset) / divisor per channel, in float as the transform computes them. */
	private static float[] transformed(final float[] raw, final int channels, final int n, final InputTransform transform) {
		final float[] offset = transform.offset(), divisor = transform.divisor();
		final float[] out = new float[channels * n];
		for (int c = 0; c < channels; c++) {
			for (int i = 0; i < n; i++) out[c * n + i] = (raw[c * n + i] - offset[c]) / divisor[c];
		}
		return out;
	}

	/** Window {@code index}'s box in the image: x0, x1, y0, y1 (exclusive ends, cut at the border). */
	@FunctionalInterface
	interface Boxes {
		int[] box(int index);
	}

	/** How many windows go through the stages together: the user's batch size, or what keeps each batched tensor near {@link #CHUNK_VALUES}. */
	int chunk(final int requested, final int total) {
		if (requested > 0) return Math.min(requested, total);
		long largest = tailShape.size() / tailShape.get(0);
		for (final Step s : steps) {
			largest = Math.max(largest, (long) s.channels * Math.min(s.height, (s.boxY + 2) * s.y.stride + s.y.kernel) *
				Math.min(s.width, (s.boxX + 2) * s.x.stride + s.x.kernel));
			largest = Math.max(largest, (long) s.outChannels * s.boxY * s.boxX);
		}
		return (int) Math.max(1, Math.min(Math.min(MAX_CHUNK, total), CHUNK_VALUES / Math.max(1, largest)));
	}

	/**
	 * Scores every window: the target's score and probability with window {@code index}'s pixels
	 * replaced by the fill image, handed to {@code sink} chunk by chunk (progress between chunks).
	 */
	void run(final ExplainRequest request, final int total, final int chunk, final Boxes boxes, final float[] fillImage, final BatchedScores.Sink sink) {
		final int c = request.channels(), h = request.height(), w = request.width(), plane = h * w;
		final float[] image = steps.get(0).input;
		final float[] fill = transformed(fillImage, c, plane, request.transform());
		final ClassScore target = request.targetFunction();
		final ClassScore probability = target.withKind(ScoreKind.PROBABILITY);
		request.progress().step(0, total);
		for (int first = 0; first < total; first += chunk) {
			final int count = Math.min(chunk, total - first);
			// each window's changed box at the current stage's input: its corner and values [C, boxY, boxX]
			final int[] oy = new int[count], ox = new int[count];
			final float[][] values = new float[count][];
			int boxY = windowY, boxX = windowX;
			for (int i = 0; i < count; i++) {
				final int[] b = boxes.box(first + i);
				oy[i] = Math.min(b[2], h - boxY);
				ox[i] = Math.min(b[0], w - boxX);
				final float[] v = new float[c * boxY * boxX];
				for (int k = 0; k < c; k++) {
					for (int y = 0; y < boxY; y++) {
						final int yy = oy[i] + y;
						for (int x = 0; x < boxX; x++) {
							final int xx = ox[i] + x;
							final boolean hidden = yy >= b[2] && yy < b[3] && xx >= b[0] && xx < b[1];
							v[(k * boxY + y) * boxX + x] = (hidden ? fill : image)[k * plane + yy * w + xx];
						}
					}
				}
				values[i] = v;
			}
			for (final Step s : steps) {
				step(network, s, boxY, boxX, oy, ox, values);
				boxY = s.boxY;
				boxX = s.boxX;
			}
			final float[] both = finish(count, boxY, boxX, oy, ox, values, target, probability);
			sink.accept(first, count, java.util.Arrays.copyOfRange(both, 0, count), java.util.Arrays.copyOfRange(both, count, 2 * count));
			request.progress().step(first + count, total);
		}
	}

	private record PatchShape(int lengthY, int lengthX, int offsetY, int offsetX) {}

	/** Runs one step on every window's patch, batched by patch shape; replaces the boxes by the step's recomputed outputs. */
	private static void step(final Network network, final Step s, final int boxY, final int boxX, final int[] oy, final int[] ox,
		final float[][] values)
	{
		final int count = oy.length;
		final int[] firstY = new int[count], firstX = new int[count], startY = new int[count], startX = new int[count];
		final Map<PatchShape, List<Integer>> groups = new LinkedHashMap<>();
		for (int i = 0; i < count; i++) {
			firstY[i] = Math.min(Math.max(0, s.y.firstReached(oy[i])), s.outHeight - s.boxY);
			firstX[i] = Math.min(Math.max(0, s.x.firstReached(ox[i])), s.outWidth - s.boxX);
			final boolean cut = Float.isNaN(s.margin);
			startY[i] = s.y.patchStart(firstY[i], cut);
			startX[i] = s.x.patchStart(firstX[i], cut);
			final int endY = s.y.patchEnd(firstY[i] + s.boxY - 1, cut ? s.height : Integer.MAX_VALUE);
			final int endX = s.x.patchEnd(firstX[i] + s.boxX - 1, cut ? s.width : Integer.MAX_VALUE);
			final PatchShape key = new PatchShape(endY - startY[i] + 1, endX - startX[i] + 1, firstY[i] - startY[i] / s.y.stride,
				firstX[i] - startX[i] / s.x.stride);
			groups.computeIfAbsent(key, k -> new ArrayList<>()).add(i);
		}
		final int plane = s.height * s.width;
		for (final Map.Entry<PatchShape, List<Integer>> group : groups.entrySet()) {
			final PatchShape p = group.getKey();
			final List<Integer> members = group.getValue();
			final int patchSize = s.channels * p.lengthY() * p.lengthX();
			final float[] batch = new float[members.size() * patchSize];
			for (int m = 0; m < members.size(); m++) {
				final int i = members.get(m), offset = m * patchSize;
				// the kept input, and the margin where the patch reaches beyond the border
				final int xa = Math.max(0, startX[i]), xb = Math.min(s.width, startX[i] + p.lengthX());
				for (int k = 0; k < s.channels; k++) {
					for (int y = 0; y < p.lengthY(); y++) {
						final int row = offset + (k * p.lengthY() + y) * p.lengthX(), yy = startY[i] + y;
						if (yy < 0 || yy >= s.height) {
							java.util.Arrays.fill(batch, row, row + p.lengthX(), s.margin);
							continue;
						}
						java.util.Arrays.fill(batch, row, row + xa - startX[i], s.margin);
						System.arraycopy(s.input, k * plane + yy * s.width + xa, batch, row + xa - startX[i], xb - xa);
						java.util.Arrays.fill(batch, row + xb - startX[i], row + p.lengthX(), s.margin);
					}
				}
				// the window's changed values, where the box overlaps the patch
				final int y0 = Math.max(oy[i], startY[i]), y1 = Math.min(oy[i] + boxY, startY[i] + p.lengthY());
				final int x0 = Math.max(ox[i], startX[i]), x1 = Math.min(ox[i] + boxX, startX[i] + p.lengthX());
				if (x1 <= x0) continue;
				for (int k = 0; k < s.channels; k++) {
					for (int y = y0; y < y1; y++) {
						System.arraycopy(values[i], (k * boxY + y - oy[i]) * boxX + x0 - ox[i], batch,
							offset + (k * p.lengthY() + y - startY[i]) * p.lengthX() + x0 - startX[i], x1 - x0);
					}
				}
			}
			final float[] out;
			final long outY, outX;
			try (NDManager scope = network.manager().newSubManager()) {
				final NDArray o = network.forwardLayers(scope.create(batch, new Shape(members.size(), s.channels, p.lengthY(), p.lengthX())),
					s.from, s.to, false);
				outY = o.getShape().get(2);
				outX = o.getShape().get(3);
				if (outY < p.offsetY() + s.boxY || outX < p.offsetX() + s.boxX) {
					throw new IllegalStateException("a patch of stage " + network.layerNames().get(s.from) + " gave " + o.getShape() +
						", too small for the recomputed outputs");
				}
				out = o.toFloatArray();
			}
			final int outSize = (int) (s.outChannels * outY * outX);
			for (int m = 0; m < members.size(); m++) {
				final int i = members.get(m);
				final float[] v = new float[s.outChannels * s.boxY * s.boxX];
				for (int k = 0; k < s.outChannels; k++) {
					for (int y = 0; y < s.boxY; y++) {
						System.arraycopy(out, (int) (m * outSize + (k * outY + p.offsetY() + y) * outX + p.offsetX()), v, (k * s.boxY + y) * s.boxX,
							s.boxX);
					}
				}
				values[i] = v;
				oy[i] = firstY[i];
				ox[i] = firstX[i];
			}
		}
	}

	/**
	 * The kept input of the first stage run in full, with each window's box pasted in (or, after a global
	 * average pooling, the pooled values updated by the box's change of sum), run to the end; the
	 * target's scores then probabilities, one per window.
	 */
	private float[] finish(final int count, final int boxY, final int boxX, final int[] oy, final int[] ox, final float[][] values,
		final ClassScore target, final ClassScore probability)
	{
		final int size = (int) (tailShape.size() / tailShape.get(0));
		final float[] batch = new float[count * size];
		final Step last = steps.get(steps.size() - 1);
		final int ch = last.outChannels, ph = last.outHeight, pw = last.outWidth, plane = ph * pw;
		for (int i = 0; i < count; i++) {
			final int offset = i * size;
			if (pooledInput != null) {
				for (int k = 0; k < ch; k++) {
					double change = 0;
					for (int y = 0; y < boxY; y++) {
						for (int x = 0; x < boxX; x++) {
							change += values[i][(k * boxY + y) * boxX + x] - pooledInput[k * plane + (oy[i] + y) * pw + ox[i] + x];
						}
					}
					batch[offset + k] = (float) (tailInput[k] + change / plane);
				}
				continue;
			}
			System.arraycopy(tailInput, 0, batch, offset, size);
			for (int k = 0; k < ch; k++) {
				for (int y = 0; y < boxY; y++) {
					System.arraycopy(values[i], (k * boxY + y) * boxX, batch, offset + k * plane + (oy[i] + y) * pw + ox[i], boxX);
				}
			}
		}
		try (NDManager scope = network.manager().newSubManager()) {
			final long[] dims = tailShape.getShape().clone();
			dims[0] = count;
			final NDArray x = scope.create(batch, new Shape(dims));
			final NDArray out = tail < stages ? network.forwardLayers(x, tail, stages, false) : x;
			return target.score(out).concat(probability.score(out)).toFloatArray();
		}
	}
}
