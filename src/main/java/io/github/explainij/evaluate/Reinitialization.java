package io.github.explainij.evaluate;

import ai.djl.ndarray.NDArray;

import io.github.explainij.ExplainException;
import io.github.explainij.model.Network;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Redraws the weights of a network's stages at random, in a private copy ({@link Network#loadPrivate}):
 * the model randomization of the sanity check and the initial weights of ROAR's retraining.
 * <p>
 * Every parameter of a stage is drawn from PyTorch's default initialization of convolution and linear
 * layers, uniform in [-1/sqrt(fan_in), 1/sqrt(fan_in)] (kaiming_uniform with a = sqrt(5) for the weight
 * gives the same bound), where fan_in is the stage weight's input channels x kernel size; a stage with no
 * weight of two or more dimensions (BatchNorm's scale and shift) draws from [-1, 1]. BatchNorm's running
 * statistics are buffers, not parameters, and are kept. Values come from {@code java.util.Random(seed)}
 * in the order of the parameters, so the same seed gives the same weights.
 */
public final class Reinitialization {

	/** Parameters of stage i of a model exported by models/explainable.py are named stages.i.* */
	private static final Pattern STAGE = Pattern.compile("^stages\\.(\\d+)\\.");

	private Reinitialization() {}

	/**
	 * The parameters of each stage that has any, by stage index in network order.
	 *
	 * @throws ExplainException when the model has no stages or its parameters are not named by stage
	 */
	public static Map<Integer, List<String>> parametersByStage(final Network network) {
		network.requireStages("randomizing the model stage by stage");
		final Map<Integer, List<String>> out = new java.util.TreeMap<>();
		for (final String name : network.parameterNames()) {
			final Matcher m = STAGE.matcher(name);
			if (!m.find()) {
				throw new ExplainException("the parameter '" + name + "' of " + network.file().getFileName() + " does not belong to a stage " +
					"(stages.<i>.*): export the model with models/explainable.py so that its weights can be randomized stage by stage");
			}
			out.computeIfAbsent(Integer.parseInt(m.group(1)), k -> new ArrayList<>()).add(name);
		}
		if (out.isEmpty()) throw new ExplainException("the model " + network.file().getFileName() + " has no weights to randomize");
		return out;
	}

	/** Redraws every parameter of the given stages (in this order), from one generator seeded with {@code seed}. */
	public static void reinitialize(final Network network, final Map<Integer, List<String>> byStage, final List<Integer> stages,
		final long seed)
	{
		final Random random = new Random(seed);
		for (final int stage : stages) reinitialize(network, byStage.get(stage), random);
	}

	/** Redraws the given parameters of one stage from {@code random}. */
	public static void reinitialize(final Network network, final List<String> parameters, final Random random) {
		final Map<String, NDArray> arrays = new LinkedHashMap<>();
		long fanIn = -1;
		for (final String name : parameters) {
			final NDArray a = network.parameter(name);
			arrays.put(name, a);
			if (a.getShape().dimension() >= 2 && fanIn < 0) fanIn = a.size() / a.getShape().get(0);
		}
		final double bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 1;
		for (final Map.Entry<String, NDArray> e : arrays.entrySet()) {
			final float[] v = new float[Math.toIntExact(e.getValue().size())];
			for (int i = 0; i < v.length; i++) v[i] = (float) ((2 * random.nextDouble() - 1) * bound);
			network.setParameter(e.getKey(), v);
		}
	}
}
