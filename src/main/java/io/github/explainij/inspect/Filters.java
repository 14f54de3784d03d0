package io.github.explainij.inspect;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

import io.github.explainij.ExplainException;
import io.github.explainij.model.Network;

import java.util.ArrayList;
import java.util.List;

/**
 * The weights of one convolutional stage, as PyTorch stores them ({@code [out, in, kh, kw]}), read from
 * the TorchScript module's parameters ({@code stages.<i>.weight} and {@code stages.<i>.bias} for a model
 * exported by models/explainable.py), with per-output-channel statistics and, for the first convolution,
 * a montage of its kernels.
 */
public final class Filters {

	/** How many pixels one kernel weight takes in a montage, at least (kernels are tiny). */
	static final int MONTAGE_TILE = 24;
	/** Pixels between two kernels of a montage. */
	static final int MONTAGE_GAP = 2;

	private final String layer;
	private final int stage;
	private final float[] weights;
	private final float[] bias;
	private final int out, in, kh, kw;
	private final boolean first;

	private Filters(final String layer, final int stage, final float[] weights, final float[] bias, final Shape shape, final boolean first) {
		this.layer = layer;
		this.stage = stage;
		this.weights = weights;
		this.bias = bias;
		this.out = (int) shape.get(0);
		this.in = (int) shape.get(1);
		this.kh = (int) shape.get(2);
		this.kw = (int) shape.get(3);
		this.first = first;
	}

	/**
	 * @throws ExplainException when the stage does not exist, is not a convolution, or its weights cannot be found
	 */
	public static Filters of(final Network network, final String layer) {
		network.requireStages("filters");
		final int stage = network.stageIndex(layer);
		final List<String> convs = convStages(network);
		final String kind = network.layerKinds().isEmpty() ? null : network.layerKinds().get(stage);
		if (kind != null && !"conv".equals(kind)) {
			throw new ExplainException("the stage '" + layer + "' is not a convolution (its kind is " + kind + "): filters shows the " +
				"weights of a convolutional stage; choose one of " + convs);
		}
		final NDArray w = weightOf(network, stage);
		if (w == null || w.getShape().dimension() != 4) {
			throw new ExplainException("cannot find the weights of stage '" + layer + "': the model has no 4-D parameter stages." + stage +
				".weight (the name models/explainable.py gives a stage's weights)" + (convs.isEmpty() ? "" : "; choose one of " + convs));
		}
		final NDArray b = network.parameter("stages." + stage + ".bias");
		final boolean first = !convs.isEmpty() && convs.get(0).equals(layer);
		return new Filters(layer, stage, w.toFloatArray(), b == null ? null : b.toFloatArray(), w.getShape(), first);
	}

	private static NDArray weightOf(final Network network, final int stage) {
		return network.parameter("stages." + stage + ".weight");
	}

	/** The names of the convolutional stages (kind "conv", or, without kinds, a stage with a 4-D weight). */
	public static List<String> convStages(final Network network) {
		final List<String> names = new ArrayList<>();
		for (int i = 0; i < network.layerNames().size(); i++) {
			final boolean conv;
			if (network.layerKinds().isEmpty()) {
				final NDArray w = weightOf(network, i);
				conv = w != null && w.getShape().dimension() == 4;
			}
			else {
				conv = "conv".equals(network.layerKinds().get(i));
			}
			if (conv) names.add(network.layerNames().get(i));
		}
		return names;
	}

	public String layer() { return layer; }

	public int stage() { return stage; }

	public int outChannels() { return out; }

	public int inChannels() { return in; }

	public int kernelHeight() { return kh; }

	public int kernelWidth() { return kw; }

	/** Whether this is the network's first convolution (the one that sees the image's channels). */
	public boolean isFirst() { return first; }

	public boolean hasBias() { return bias != null; }

	/** The bias of output channel o (0 when the stage has none). */
	public double bias(final int o) { return bias == null ? 0 : bias[o]; }

	/** Kernel [o, i], row-major (kh x kw), a copy. */
	public float[] kernel(final int o, final int i) {
		final float[] k = new float[kh * kw];
		System.arraycopy(weights, (o * in + i) * kh * kw, k, 0, kh * kw);
		return k;
	}

	/** The weights of output channel o over all input channels and positions. */
	private double[] row(final int o) {
		final double[] r = new double[in * kh * kw];
		for (int j = 0; j < r.length; j++) r[j] = weights[o * r.length + j];
		return r;
	}

	public double mean(final int o) {
		double s = 0;
		for (final double v : row(o)) s += v;
		return s / (in * kh * kw);
	}

	/** The population standard deviation (NumPy's default, ddof = 0) of output channel o's weights. */
	public double std(final int o) {
		final double m = mean(o);
		double s = 0;
		for (final double v : row(o)) s += (v - m) * (v - m);
		return Math.sqrt(s / (in * kh * kw));
	}

	public double min(final int o) {
		double m = Double.POSITIVE_INFINITY;
		for (final double v : row(o)) m = Math.min(m, v);
		return m;
	}

	public double max(final int o) {
		double m = Double.NEGATIVE_INFINITY;
		for (final double v : row(o)) m = Math.max(m, v);
		return m;
	}

	/** The L2 norm of output channel o's weights. */
	public double l2(final int o) {
		double s = 0;
		for (final double v : row(o)) s += v * v;
		return Math.sqrt(s);
	}

	/** The pixels of one kernel weight in a montage (nearest-neighbour enlargement). */
	public int montageScale() {
		return Math.max(1, (int) Math.ceil(MONTAGE_TILE / (double) Math.max(kh, kw)));
	}

	/** Columns of the montage grid for n tiles: ceil(sqrt(n)). */
	static int columns(final int n) {
		return (int) Math.ceil(Math.sqrt(n));
	}

	/** Montage width and height for n tiles. */
	private int[] montageSize(final int n) {
		final int s = montageScale(), cols = columns(n), rows = (n + cols - 1) / cols;
		return new int[] { cols * kw * s + (cols - 1) * MONTAGE_GAP, rows * kh * s + (rows - 1) * MONTAGE_GAP };
	}

	public int montageWidth() { return montageSize(montageTiles())[0]; }

	public int montageHeight() { return montageSize(montageTiles())[1]; }

	/** One tile per output channel in colour (3 input channels), else one per kernel [o, i]. */
	public int montageTiles() {
		return in == 3 ? out : out * in;
	}

	/**
	 * A grey montage of every kernel [o, i] in slice order (o * in + i), row by row, each weight enlarged
	 * to {@link #montageScale()} pixels, raw weights; the gaps hold the smallest weight (dark).
	 */
	public float[] greyMontage() {
		final int n = out * in, s = montageScale(), cols = columns(n);
		final int[] size = montageSize(n);
		final float[] m = new float[size[0] * size[1]];
		float lo = Float.POSITIVE_INFINITY;
		for (final float v : weights) lo = Math.min(lo, v);
		java.util.Arrays.fill(m, lo);
		for (int t = 0; t < n; t++) {
			final int ox = (t % cols) * (kw * s + MONTAGE_GAP), oy = (t / cols) * (kh * s + MONTAGE_GAP);
			for (int py = 0; py < kh * s; py++) {
				for (int px = 0; px < kw * s; px++) m[(oy + py) * size[0] + ox + px] = weights[t * kh * kw + (py / s) * kw + px / s];
			}
		}
		return m;
	}

	/**
	 * A colour montage for a first convolution on RGB input: one tile per output channel, input channels
	 * 0, 1, 2 as red, green, blue, all kernels scaled jointly: {@code round(255 (w - min) / (max - min))}
	 * with min and max over every weight of the stage. Packed 0xRRGGBB; gaps are black.
	 *
	 * @throws IllegalStateException when the stage does not take 3 channels
	 */
	public int[] rgbMontage() {
		if (in != 3) throw new IllegalStateException("a colour montage needs 3 input channels, not " + in);
		final int s = montageScale(), cols = columns(out);
		final int[] size = montageSize(out);
		final int[] m = new int[size[0] * size[1]];
		float lo = Float.POSITIVE_INFINITY, hi = Float.NEGATIVE_INFINITY;
		for (final float v : weights) {
			lo = Math.min(lo, v);
			hi = Math.max(hi, v);
		}
		final double range = hi > lo ? hi - lo : 1;
		for (int o = 0; o < out; o++) {
			final int ox = (o % cols) * (kw * s + MONTAGE_GAP), oy = (o / cols) * (kh * s + MONTAGE_GAP);
			for (int py = 0; py < kh * s; py++) {
				for (int px = 0; px < kw * s; px++) {
					int rgb = 0;
					for (int c = 0; c < 3; c++) {
						final float w = weights[((o * 3 + c) * kh + py / s) * kw + px / s];
						rgb = (rgb << 8) | (int) Math.round(255 * (w - lo) / range);
					}
					m[(oy + py) * size[0] + ox + px] = rgb;
				}
			}
		}
		return m;
	}
}
