package io.github.explainij.evaluate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

import io.github.explainij.ExplainException;
import io.github.explainij.model.Network;
import io.github.explainij.target.TargetSpec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Trains a private copy of a network ({@link Network#loadPrivate}) in Java: mean cross-entropy of the
 * logits, gradients of every parameter by autograd through the TorchScript module, and the update of
 * PyTorch's {@code torch.optim.SGD} (with momentum) or {@code torch.optim.Adam} on the parameter arrays.
 * The module stays in eval mode, as in every Explain-IJ pass: BatchNorm uses its running statistics and
 * Dropout is off while it learns. Inputs are network inputs (already normalized).
 */
public final class Retraining {

	public static final String SGD = "sgd";
	public static final String ADAM = "adam";

	private static final double BETA1 = 0.9, BETA2 = 0.999, EPSILON = 1e-8;

	private final Network network;
	private final String optimizer;
	private final double learningRate, momentum;
	private final List<String> names;
	private final Map<String, float[]> first = new LinkedHashMap<>(), second = new LinkedHashMap<>();
	private int steps;

	/**
	 * @param optimizer {@link #SGD} or {@link #ADAM}
	 * @param momentum SGD's momentum (ignored by Adam, whose betas are PyTorch's defaults 0.9 and 0.999)
	 */
	public Retraining(final Network network, final String optimizer, final double learningRate, final double momentum) {
		if (!SGD.equals(optimizer) && !ADAM.equals(optimizer)) throw new ExplainException("optimizer must be sgd or adam, not '" + optimizer + "'");
		if (!(learningRate > 0)) throw new ExplainException("learning_rate must be above 0, not " + learningRate);
		this.network = network;
		this.optimizer = optimizer;
		this.learningRate = learningRate;
		this.momentum = momentum;
		this.names = network.parameterNames();
		network.trainParameters();
	}

	/** The current values of every parameter, by name (to restore them later). */
	public static Map<String, float[]> weights(final Network network) {
		final Map<String, float[]> out = new LinkedHashMap<>();
		for (final String n : network.parameterNames()) out.put(n, network.parameter(n).toFloatArray());
		return out;
	}

	/** Sets every parameter to the given values. */
	public static void restore(final Network network, final Map<String, float[]> weights) {
		for (final Map.Entry<String, float[]> e : weights.entrySet()) network.setParameter(e.getKey(), e.getValue());
	}

	/**
	 * One optimizer step on a batch.
	 *
	 * @param inputs network inputs [B, C, H, W], row-major
	 * @param labels the class index of each sample
	 * @return the batch's mean cross-entropy before the step
	 */
	public double step(final float[] inputs, final Shape shape, final int[] labels) {
		for (final String n : names) network.takeParameterGradient(n); // start from zero gradients
		final double loss = network.autograd((scope, collector) -> {
			final NDArray logits = network.forward(scope.create(inputs, shape), true);
			final int k = (int) logits.getShape().get(1);
			final float[] oneHot = new float[labels.length * k];
			for (int b = 0; b < labels.length; b++) {
				if (labels[b] < 0 || labels[b] >= k) throw new IllegalArgumentException("label " + labels[b] + " for " + k + " classes");
				oneHot[b * k + labels[b]] = 1;
			}
			final NDArray mean = logits.logSoftmax(1).mul(scope.create(oneHot, logits.getShape())).sum().neg().div(labels.length);
			collector.backward(mean);
			return (double) mean.getFloat();
		});
		steps++;
		for (final String n : names) {
			final float[] g = network.takeParameterGradient(n);
			final float[] w = network.parameter(n).toFloatArray();
			if (SGD.equals(optimizer)) {
				// torch.optim.SGD: buf = momentum * buf + g (buf = g at the first step); w -= lr * buf
				final float[] buf = first.get(n);
				if (buf == null) {
					first.put(n, g.clone());
				}
				else {
					for (int i = 0; i < g.length; i++) buf[i] = (float) (momentum * buf[i] + g[i]);
				}
				final float[] b = first.get(n);
				for (int i = 0; i < w.length; i++) w[i] = (float) (w[i] - learningRate * (momentum == 0 ? g[i] : b[i]));
			}
			else {
				// torch.optim.Adam: m, v moving averages; w -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
				final float[] m = first.computeIfAbsent(n, x -> new float[g.length]), v = second.computeIfAbsent(n, x -> new float[g.length]);
				final double c1 = 1 - Math.pow(BETA1, steps), c2 = 1 - Math.pow(BETA2, steps);
				for (int i = 0; i < w.length; i++) {
					m[i] = (float) (BETA1 * m[i] + (1 - BETA1) * g[i]);
					v[i] = (float) (BETA2 * v[i] + (1 - BETA2) * g[i] * (double) g[i]);
					w[i] = (float) (w[i] - learningRate / c1 * m[i] / (Math.sqrt(v[i]) / Math.sqrt(c2) + EPSILON));
				}
			}
			network.setParameter(n, w);
		}
		return loss;
	}

	/** The predicted class (arg max of the logits) of each sample, without gradient. */
	public static int[] predict(final Network network, final float[] inputs, final Shape shape) {
		try (ai.djl.ndarray.NDManager scope = network.manager().newSubManager()) {
			final NDArray logits = network.forward(scope.create(inputs, shape), false);
			final int k = (int) logits.getShape().get(1), n = (int) shape.get(0);
			final float[] v = logits.toFloatArray();
			final int[] out = new int[n];
			for (int b = 0; b < n; b++) out[b] = TargetSpec.argmax(java.util.Arrays.copyOfRange(v, b * k, (b + 1) * k));
			return out;
		}
	}
}
