package io.github.explainij.inspect;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import io.github.explainij.ExplainException;
import io.github.explainij.image.ImagePlusAdapter;
import io.github.explainij.model.InputTransform;
import io.github.explainij.model.MemoryBudget;
import io.github.explainij.model.Network;
import io.github.explainij.target.Target;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The receptive field of one position (x, y) of a stage: the rectangle of input pixels that can influence
 * the stage's activations there, over all its channels.
 * <p>
 * <b>Analytic</b> when every stage up to this one has a known geometry: a convolution's kernel size comes
 * from its weight's shape ({@code [out, in, kh, kw]}); its stride and padding are the only ones (dilation
 * 1) that give the stage's output size for its input size and for a few larger inputs (each stage is run
 * alone on them); max and average pooling are taken as PyTorch's {@code MaxPool2d(k)} (kernel = stride,
 * no padding) when that geometry gives those output sizes; ReLU and batch norm keep positions. Then, per
 * axis, with jump J, size R and offset P starting at 1, 1, 0, each stage does
 * {@code R += (k - 1) J; P += p J; J *= s}, and position o sees input pixels {@code o J - P .. o J - P + R - 1}.
 * <p>
 * <b>Gradient</b> otherwise (a stage of kind "other", an adaptive pooling, upsampling, a model without
 * kinds): the bounding box of the pixels where the gradient of the sum over channels of a[:, y, x] is not
 * zero, united over the image itself and {@link #PROBES} seeded random inputs. The gradient's support is
 * always checked against the analytic rectangle: when it reaches outside (a pooling that is not
 * {@code MaxPool2d(k)}), the gradient's box is reported.
 * <p>
 * Coordinates are the image's pixels; a model that resizes its input has the analytic rectangle mapped
 * through the bilinear resize (the pixels each network-input pixel interpolates from), and its unclipped
 * size is then in network-input pixels.
 */
public final class ReceptiveField {

	/** Random inputs the gradient's support is united over (besides the image itself). */
	public static final int PROBES = 4;
	/** Extra input sizes each stage is run on to find its stride and padding. */
	private static final int[] PROBE_GROWTH = { 1, 2, 5 };

	/** How a receptive field was found. */
	public static final String ANALYTIC = "analytic", GRADIENT = "gradient";

	private final String layer;
	private final int x, y;
	/** Unclipped rectangle, inclusive, in image pixels (or network-input pixels mapped). */
	private final int x0, y0, x1, y1;
	private final int width, height;
	private final int imageWidth, imageHeight;
	private final String foundBy;
	private final String why;

	private ReceptiveField(final String layer, final int x, final int y, final int[] box, final int width, final int height,
		final int imageWidth, final int imageHeight, final String foundBy, final String why)
	{
		this.layer = layer;
		this.x = x;
		this.y = y;
		this.x0 = box[0];
		this.y0 = box[1];
		this.x1 = box[2];
		this.y1 = box[3];
		this.width = width;
		this.height = height;
		this.imageWidth = imageWidth;
		this.imageHeight = imageHeight;
		this.foundBy = foundBy;
		this.why = why;
	}

	/** One stage's geometry along one axis: kernel, stride, padding (dilation 1). */
	static final class Geometry {

		final int kernel, stride, padding;

		Geometry(final int kernel, final int stride, final int padding) {
			this.kernel = kernel;
			this.stride = stride;
			this.padding = padding;
		}

		int outputSize(final int in) {
			return Math.floorDiv(in + 2 * padding - kernel, stride) + 1;
		}
	}

	/**
	 * @param planes the image's raw values, one array per channel, row-major
	 * @param x the position on the stage's grid (column)
	 * @param y the position on the stage's grid (row)
	 */
	public static ReceptiveField of(final Network network, final float[][] planes, final int width, final int height, final String layer,
		final int x, final int y)
	{
		network.requireStages("receptive-field");
		final int stage = network.stageIndex(layer);
		final InputTransform transform = network.transformFor(planes);
		final Shape raw = new Shape(1, planes.length, height, width);
		final float[] chw = ImagePlusAdapter.chw(planes);
		final List<Shape> shapes = new ArrayList<>();
		try (NDManager scope = network.manager().newSubManager()) {
			NDArray a = transform.apply(scope.create(chw, raw));
			shapes.add(a.getShape());
			for (int i = 0; i <= stage; i++) {
				a = network.forwardLayers(a, i, i + 1, false);
				shapes.add(a.getShape());
			}
		}
		final Shape out = shapes.get(stage + 1);
		if (out.dimension() != 4) {
			throw new ExplainException("the stage '" + layer + "' has no spatial grid (its output is " + out.slice(1) + "): choose one of " +
				Layers.spatialStages(network, planes, width, height));
		}
		checkPosition("x", x, out.get(3), layer);
		checkPosition("y", y, out.get(2), layer);

		final int[] support = gradientSupport(network, chw, raw, transform, stage, x, y);
		final String[] why = new String[1];
		final Geometry[][] geometry = geometry(network, shapes, stage, why);
		if (geometry != null) {
			final int[] gx = compose(geometry[0], x), gy = compose(geometry[1], y);
			final Shape in = shapes.get(0);
			final int inW = (int) in.get(3), inH = (int) in.get(2);
			final int[] box = { toImage(gx[0], inW, width, false), toImage(gy[0], inH, height, false), toImage(gx[1], inW, width, true),
				toImage(gy[1], inH, height, true) };
			if (support == null || (support[0] >= Math.max(0, box[0]) && support[1] >= Math.max(0, box[1]) &&
				support[2] <= Math.min(width - 1, box[2]) && support[3] <= Math.min(height - 1, box[3])))
			{
				return new ReceptiveField(layer, x, y, box, gx[1] - gx[0] + 1, gy[1] - gy[0] + 1, width, height, ANALYTIC, null);
			}
			why[0] = "the gradient reaches outside the analytic rectangle (a stage's geometry is not the one assumed)";
		}
		if (support == null) {
			throw new ExplainException("no pixel influences stage '" + layer + "' at (" + x + ", " + y + "): the gradient is zero for the " +
				"image and " + PROBES + " random inputs, and " + why[0]);
		}
		return new ReceptiveField(layer, x, y, support, support[2] - support[0] + 1, support[3] - support[1] + 1, width, height,
			GRADIENT, why[0]);
	}

	private static void checkPosition(final String axis, final int value, final long size, final String layer) {
		if (value < 0 || value >= size) {
			throw new ExplainException(axis + " must be 0 .. " + (size - 1) + " on the grid of stage '" + layer + "' (" + size +
				" positions), not " + value);
		}
	}

	/**
	 * Per-stage geometry along x (index 0) and y (index 1) of stages 0 .. stage, or null (and why[0] set)
	 * when one stage's geometry is not known.
	 */
	static Geometry[][] geometry(final Network network, final List<Shape> shapes, final int stage, final String[] why) {
		final List<String> kinds = network.layerKinds();
		if (kinds.isEmpty()) {
			why[0] = "the model does not report its stages' kinds (layer_kinds)";
			return null;
		}
		final Geometry[][] g = new Geometry[2][stage + 1];
		for (int i = 0; i <= stage; i++) {
			final String kind = kinds.get(i);
			final Shape in = shapes.get(i), out = shapes.get(i + 1);
			final String name = network.layerNames().get(i);
			if (in.dimension() != 4 || out.dimension() != 4) {
				why[0] = "stage '" + name + "' has no spatial grid";
				return null;
			}
			if ("relu".equals(kind) || "batchnorm".equals(kind)) {
				if (!in.slice(2).equals(out.slice(2))) {
					why[0] = "stage '" + name + "' (" + kind + ") changes the grid";
					return null;
				}
				g[0][i] = g[1][i] = new Geometry(1, 1, 0);
				continue;
			}
			final int kx, ky;
			if ("conv".equals(kind)) {
				final NDArray w = network.parameter("stages." + i + ".weight");
				if (w == null || w.getShape().dimension() != 4) {
					why[0] = "the kernel size of stage '" + name + "' is not known (no 4-D parameter stages." + i + ".weight)";
					return null;
				}
				ky = (int) w.getShape().get(2);
				kx = (int) w.getShape().get(3);
			}
			else if ("maxpool".equals(kind) || "avgpool".equals(kind)) {
				ky = kx = -1; // kernel = stride
			}
			else {
				why[0] = "stage '" + name + "' is of kind " + kind + ", whose geometry is not known";
				return null;
			}
			final int[][] sizes = probeSizes(network, i, in);
			g[0][i] = solve(kx, sizes, 1);
			g[1][i] = solve(ky, sizes, 0);
			if (g[0][i] == null || g[1][i] == null) {
				why[0] = "no single stride and padding" + (kx < 0 ? " with kernel = stride" : "") + " explains the output sizes of stage '" + name + "'";
				return null;
			}
		}
		return g;
	}

	/**
	 * Runs one stage alone on inputs of its own size and a few larger ones.
	 *
	 * @return per probe {input height, input width, output height, output width}
	 */
	private static int[][] probeSizes(final Network network, final int stage, final Shape in) {
		final int[][] sizes = new int[PROBE_GROWTH.length + 1][];
		final Random random = new Random(11);
		try (NDManager scope = network.manager().newSubManager()) {
			for (int p = 0; p < sizes.length; p++) {
				final int grow = p == 0 ? 0 : PROBE_GROWTH[p - 1];
				final Shape s = new Shape(1, in.get(1), in.get(2) + grow, in.get(3) + grow);
				final float[] v = new float[Math.toIntExact(s.size())];
				for (int j = 0; j < v.length; j++) v[j] = (float) random.nextGaussian();
				final Shape o = network.forwardLayers(scope.create(v, s), stage, stage + 1, false).getShape();
				sizes[p] = new int[] { (int) s.get(2), (int) s.get(3), (int) o.get(2), (int) o.get(3) };
			}
		}
		return sizes;
	}

	/**
	 * The one (stride, padding) that gives every probe's output size along an axis.
	 *
	 * @param kernel the kernel size, or -1 for kernel = stride (pooling)
	 * @param axis 0 = height, 1 = width
	 * @return the geometry, or null when none or several fit
	 */
	static Geometry solve(final int kernel, final int[][] sizes, final int axis) {
		Geometry found = null;
		for (int s = 1; s <= 16; s++) {
			final int k = kernel < 0 ? s : kernel;
			for (int p = 0; p <= k / 2; p++) {
				final Geometry g = new Geometry(k, s, p);
				boolean fits = true;
				for (final int[] size : sizes) fits &= g.outputSize(size[axis]) == size[axis + 2];
				if (fits) {
					if (found != null) return null;
					found = g;
				}
			}
		}
		return found;
	}

	/** The unclipped input interval {first, last} that position o of the last stage sees. */
	static int[] compose(final Geometry[] stages, final int o) {
		long jump = 1, size = 1, offset = 0;
		for (final Geometry g : stages) {
			size += (g.kernel - 1) * jump;
			offset += g.padding * jump;
			jump *= g.stride;
		}
		final long first = o * jump - offset;
		return new int[] { Math.toIntExact(first), Math.toIntExact(first + size - 1) };
	}

	/**
	 * A network-input coordinate as an image coordinate: the same when the model takes the image as it is,
	 * else the first (last) image pixel that bilinear resizing (align_corners=False) reads for it.
	 */
	static int toImage(final int v, final int inputSize, final int imageSize, final boolean last) {
		if (inputSize == imageSize) return v;
		final int clamped = Math.max(0, Math.min(inputSize - 1, v));
		final double src = Math.max(0, (clamped + 0.5) * imageSize / (double) inputSize - 0.5);
		final int i0 = (int) Math.floor(src);
		return last ? Math.min(imageSize - 1, i0 + 1) : i0;
	}

	/** The sum over channels of a stage's activations at (y, x), as a target. */
	private static Target positionSum(final int stage, final int x, final int y) {
		return new Target() {

			@Override
			public NDArray score(final NDArray a) {
				if (a.getShape().dimension() != 4) {
					throw new ExplainException("stage " + stage + " has no spatial maps (its output is " + a.getShape().slice(1) + ")");
				}
				return a.get(":, :, {}, {}", y, x).sum(new int[] { 1 });
			}

			@Override
			public int stage() {
				return stage;
			}
		};
	}

	/**
	 * The bounding box {x0, y0, x1, y1} of the pixels where the gradient of the position's sum over
	 * channels is not zero, united over the image (when given) and {@link #PROBES} seeded random inputs
	 * (standard normal in the network's input units), or null when it is zero everywhere. The inputs run
	 * in batches under the memory budget (one at a time when only that fits).
	 *
	 * @param chw the image's raw values, or null for the random inputs only
	 * @param raw the shape of one input [1, C, H, W]
	 */
	static int[] gradientSupport(final Network network, final float[] chw, final Shape raw, final InputTransform transform, final int stage,
		final int x, final int y)
	{
		final int c = (int) raw.get(1), h = (int) raw.get(2), w = (int) raw.get(3), n = h * w;
		final float[] offset = transform.offset(), divisor = transform.divisor();
		final Random random = new Random(5);
		final int first = chw == null ? 1 : 0, total = PROBES + 1 - first;
		final int batch = MemoryBudget.batchSize(new MemoryBudget.Work(network, c, 1, h, w), 0, total, total, MemoryBudget.Pass.GRADIENT).batch();
		int x0 = Integer.MAX_VALUE, y0 = Integer.MAX_VALUE, x1 = -1, y1 = -1;
		for (int start = 0; start < total; start += batch) {
			final int size = Math.min(batch, total - start);
			final float[] inputs = new float[size * c * n];
			for (int b = 0; b < size; b++) {
				final int input = first + start + b; // 0: the image, 1..PROBES: the random inputs, drawn in order
				if (input == 0) {
					System.arraycopy(chw, 0, inputs, 0, chw.length);
					continue;
				}
				for (int k = 0; k < c; k++) {
					for (int i = 0; i < n; i++) inputs[(b * c + k) * n + i] = (float) (offset[k] + divisor[k] * random.nextGaussian());
				}
			}
			final float[] g = network.scoreGradient(inputs, new Shape(size, c, h, w), transform, positionSum(stage, x, y)).gradient();
			for (int j = 0; j < g.length; j++) {
				if (g[j] != 0) {
					final int i = j % n;
					x0 = Math.min(x0, i % w);
					x1 = Math.max(x1, i % w);
					y0 = Math.min(y0, i / w);
					y1 = Math.max(y1, i / w);
				}
			}
		}
		return x1 < 0 ? null : new int[] { x0, y0, x1, y1 };
	}

	/**
	 * The input rectangle {x0, y0, x1, y1} (inclusive, within the image) that can influence position (x, y)
	 * of a stage, from the gradient's support over {@link #PROBES} seeded random inputs of the image's size
	 * (not the image itself, so that the box does not depend on it): for a convolutional network the
	 * analytic receptive field clipped to the image, for any model with stages, in the raw image's pixels
	 * (the gradient runs through a resize). A unit with no gradient at all (dead) gets the whole image.
	 */
	public static int[] gradientBox(final Network network, final int stage, final int channels, final int width, final int height,
		final InputTransform transform, final int y, final int x)
	{
		final int[] support = gradientSupport(network, null, new Shape(1, channels, height, width), transform, stage, x, y);
		return support == null ? new int[] { 0, 0, width - 1, height - 1 } : support;
	}

	public String layer() { return layer; }

	public int x() { return x; }

	public int y() { return y; }

	/** First column, clipped to the image. */
	public int x0() { return Math.max(0, x0); }

	public int y0() { return Math.max(0, y0); }

	/** Last column (inclusive), clipped to the image. */
	public int x1() { return Math.min(imageWidth - 1, x1); }

	public int y1() { return Math.min(imageHeight - 1, y1); }

	/** The unclipped rectangle {x0, y0, x1, y1}. */
	public int[] unclipped() { return new int[] { x0, y0, x1, y1 }; }

	/** The unclipped width (analytic: network-input pixels; gradient: the box's width). */
	public int width() { return width; }

	public int height() { return height; }

	/** {@link #ANALYTIC} or {@link #GRADIENT}. */
	public String foundBy() { return foundBy; }

	/** Why the analytic value could not be used, or null. */
	public String why() { return why; }
}
