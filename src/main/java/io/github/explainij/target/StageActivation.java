package io.github.explainij.target;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

import io.github.explainij.ExplainException;

/**
 * A target inside the network: an activation of a stage's output {@code a} ([B, C, H, W], [B, C, D, H, W]
 * or [B, F] after flatten / linear stages), for activation maximization, DeepDream, a unit's deconvnet
 * projection and dataset search. Channels and positions are numbered from 0, as in PyTorch.
 * <ul>
 * <li>{@link Kind#CHANNEL}: the mean of channel c over its positions (Erhan et al.; Lucid's {@code channel});</li>
 * <li>{@link Kind#NEURON}: one activation {@code a[c, y, x]} ({@code a[c, z, y, x]}, or {@code a[c]} of a flat stage);</li>
 * <li>{@link Kind#LAYER}: the mean of the squared activations of the whole stage (DeepDream's L2 objective,
 * Lucid's {@code L2} up to the factor).</li>
 * </ul>
 */
public final class StageActivation implements Target {

	/** What of the stage is scored. */
	public enum Kind { CHANNEL, NEURON, LAYER }

	private final int stage;
	private final String stageName;
	private final Kind kind;
	private final int channel, z, y, x;

	private StageActivation(final int stage, final String stageName, final Kind kind, final int channel, final int z, final int y, final int x) {
		this.stage = stage;
		this.stageName = stageName;
		this.kind = kind;
		this.channel = channel;
		this.z = z;
		this.y = y;
		this.x = x;
	}

	/** The mean activation of one channel of a stage. */
	public static StageActivation channel(final int stage, final String stageName, final int channel) {
		return new StageActivation(stage, stageName, Kind.CHANNEL, channel, 0, 0, 0);
	}

	/** One activation of a stage: channel c at (y, x) (a flat stage: unit c, y = x = 0). */
	public static StageActivation neuron(final int stage, final String stageName, final int channel, final int y, final int x) {
		return new StageActivation(stage, stageName, Kind.NEURON, channel, 0, y, x);
	}

	/** One activation of a volumetric stage: channel c at (z, y, x). */
	public static StageActivation neuron(final int stage, final String stageName, final int channel, final int z, final int y, final int x) {
		return new StageActivation(stage, stageName, Kind.NEURON, channel, z, y, x);
	}

	/** The mean squared activation of a whole stage. */
	public static StageActivation layer(final int stage, final String stageName) {
		return new StageActivation(stage, stageName, Kind.LAYER, 0, 0, 0, 0);
	}

	@Override
	public int stage() {
		return stage;
	}

	public Kind kind() { return kind; }

	public int channel() { return channel; }

	@Override
	public NDArray score(final NDArray a) {
		final Shape s = a.getShape();
		final long batch = s.get(0);
		switch (kind) {
			case LAYER:
				return a.square().reshape(batch, -1).mean(new int[] { 1 });
			case CHANNEL:
				checkChannel(s);
				return a.get(":, {}", channel).reshape(batch, -1).mean(new int[] { 1 });
			case NEURON:
			default:
				checkChannel(s);
				if (s.dimension() == 2) {
					if (y != 0 || x != 0) throw new ExplainException("the stage '" + stageName + "' is flat (" + s.slice(1) + " units): give x = y = 0");
					return a.get(":, {}", channel);
				}
				if (s.dimension() == 4) {
					checkPosition("y", y, s.get(2));
					checkPosition("x", x, s.get(3));
					return a.get(":, {}, {}, {}", channel, y, x);
				}
				if (s.dimension() == 5) {
					checkPosition("z", z, s.get(2));
					checkPosition("y", y, s.get(3));
					checkPosition("x", x, s.get(4));
					return a.get(":, {}, {}, {}, {}", channel, z, y, x);
				}
				throw new ExplainException("the stage '" + stageName + "' has output " + s + ": a neuron needs [B, C], [B, C, H, W] or [B, C, D, H, W]");
		}
	}

	private void checkChannel(final Shape s) {
		if (channel < 0 || channel >= s.get(1)) {
			throw new ExplainException("channel must be 0 .. " + (s.get(1) - 1) + " (the stage '" + stageName + "' has " + s.get(1) +
				" channels), not " + channel);
		}
	}

	private void checkPosition(final String axis, final int value, final long size) {
		if (value < 0 || value >= size) {
			throw new ExplainException(axis + " must be 0 .. " + (size - 1) + " on the grid of stage '" + stageName + "' (" + size +
				" positions), not " + value);
		}
	}

	@Override
	public String toString() {
		return kind == Kind.LAYER ? stageName : kind == Kind.CHANNEL ? stageName + " channel " + channel
			: stageName + " channel " + channel + " at (" + (z != 0 ? z + ", " : "") + y + ", " + x + ")";
	}
}
