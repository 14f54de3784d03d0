package io.github.explainij.method.relevance;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

import io.github.explainij.ExplainException;
import io.github.explainij.method.relevance.StagewiseBackward.Tensor;
import io.github.explainij.model.Network;

/**
 * A conv or linear stage rebuilt from its weights, so that rules can run it with modified weights (LRP's
 * z+, alpha-beta and z-box rules). The weights are read by name ({@code stages.<i>.weight}, as
 * models/explainable.py exports them); a convolution's stride and zero padding are not stored in the
 * weights, so they are found by trying the plausible ones and keeping the one that reproduces the
 * stage's own output on this input (dilation 1; groups from the channel counts). A stage that no such
 * convolution reproduces is refused.
 */
final class AffineStage {

	private final float[] weight;
	private final Shape weightShape;
	private final boolean conv;
	private final Shape stride;
	private final Shape padding;
	private final int groups;

	private AffineStage(final float[] weight, final Shape weightShape, final boolean conv, final Shape stride, final Shape padding,
		final int groups)
	{
		this.weight = weight;
		this.weightShape = weightShape;
		this.conv = conv;
		this.stride = stride;
		this.padding = padding;
		this.groups = groups;
	}

	static AffineStage of(final StagewiseBackward stages, final int stage, final Tensor in, final Tensor out, final String why) {
		final Network net = stages.network();
		final NDArray w = net.parameter("stages." + stage + ".weight");
		if (w == null) {
			throw new ExplainException(why + " needs the weights of stage '" + stages.name(stage) + "' as parameter stages." + stage +
				".weight, as models/explainable.py exports them; this model names its parameters differently. Use rule=epsilon, " +
				"which needs no weights");
		}
		final float[] weight = w.toFloatArray();
		final Shape ws = w.getShape();
		final NDArray b = net.parameter("stages." + stage + ".bias");
		final float[] bias = b == null ? null : b.toFloatArray();
		if (StagewiseBackward.LINEAR.equals(stages.kind(stage))) {
			if (ws.dimension() != 2 || in.shape.dimension() != 2 || ws.get(1) != in.shape.get(1)) {
				throw new ExplainException("stage '" + stages.name(stage) + "': weight " + ws + " does not fit input " + in.shape);
			}
			return new AffineStage(weight, ws, false, null, null, 1);
		}
		if (ws.dimension() != 4 || in.shape.dimension() != 4 || in.shape.get(1) % ws.get(1) != 0) {
			throw new ExplainException("stage '" + stages.name(stage) + "': weight " + ws + " is not a 2D convolution of input " + in.shape);
		}
		final int groups = (int) (in.shape.get(1) / ws.get(1));
		final int kh = (int) ws.get(2), kw = (int) ws.get(3);
		final long h = in.shape.get(2), wd = in.shape.get(3), oh = out.shape.get(2), ow = out.shape.get(3);
		try (NDManager scope = net.manager().newSubManager()) {
			final NDArray x = scope.create(in.data, in.shape);
			final NDArray wt = scope.create(weight, ws);
			final NDArray bt = scope.create(bias == null ? new float[(int) ws.get(0)] : bias);
			final NDArray expected = scope.create(out.data, out.shape);
			final double tolerance = 1e-4 * Math.max(1e-12, expected.abs().max().getFloat());
			for (int sh = 1; sh <= Math.max(kh, 2); sh++) {
				for (int sw = 1; sw <= Math.max(kw, 2); sw++) {
					for (int ph = 0; ph <= kh; ph++) {
						for (int pw = 0; pw <= kw; pw++) {
							if ((h + 2 * ph - kh) / sh + 1 != oh || (wd + 2 * pw - kw) / sw + 1 != ow) continue;
							final Shape s = new Shape(sh, sw), p = new Shape(ph, pw);
							final NDArray z = convolve(x, wt, bt, s, p, groups);
							if (z.getShape().equals(out.shape) && z.sub(expected).abs().max().getFloat() <= tolerance) {
								return new AffineStage(weight, ws, true, s, p, groups);
							}
						}
					}
				}
			}
		}
		throw new ExplainException("stage '" + stages.name(stage) + "' is not a plain convolution (zero padding, dilation 1) that " +
			"the rule can rebuild from its weights; use rule=epsilon, which needs no weights");
	}

	private static NDArray convolve(final NDArray x, final NDArray w, final NDArray b, final Shape stride, final Shape padding,
		final int groups)
	{
		return JniUtils.convolution((PtNDArray) x, (PtNDArray) w, (PtNDArray) b, stride, padding, new Shape(1, 1), groups);
	}

	/** The weights, clamped to their positive (sign > 0) or negative (sign < 0) part, or as they are. */
	NDArray weights(final NDManager scope, final int sign) {
		final float[] v = weight.clone();
		if (sign > 0) for (int i = 0; i < v.length; i++) v[i] = Math.max(0, v[i]);
		if (sign < 0) for (int i = 0; i < v.length; i++) v[i] = Math.min(0, v[i]);
		return scope.create(v, weightShape);
	}

	/** The stage without bias, with the given weights; differentiable in {@code a}. */
	NDArray apply(final NDArray a, final NDArray w) {
		final NDArray zeros = a.getManager().zeros(new Shape(weightShape.get(0)));
		if (conv) return convolve(a, w, zeros, stride, padding, groups);
		return a.matMul(w.transpose());
	}
}
