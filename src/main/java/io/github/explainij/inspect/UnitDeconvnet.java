package io.github.explainij.inspect;

import io.github.explainij.method.ExplainRequest;
import io.github.explainij.method.relevance.StagewiseBackward;
import io.github.explainij.method.relevance.StagewiseBackward.Tensor;
import io.github.explainij.target.ScoreKind;
import io.github.explainij.target.StageActivation;
import io.github.explainij.target.TargetSpec;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.real.FloatType;

import java.util.List;

/**
 * What one activation responds to (Zeiler and Fergus 2014): the deconvnet projection of a[channel, y, x]
 * of a stage back to the image's pixels, as Captum's {@code NeuronDeconvolution} with that neuron. The
 * backward pass starts from a one-hot seed at that activation and walks back from the stage to the input
 * ({@link StagewiseBackward}); every ReLU passes back {@code relu(grad_out)} whatever its forward input was
 * (the deconvnet rule of method/relevance/Deconvnet), max-pooling routes through its forward switches, and
 * every other stage passes its ordinary gradient. The map is with respect to the raw pixels (through the
 * model's normalization and resize), at the image's size, summed over the image's channels.
 */
public final class UnitDeconvnet {

	public static final String NAME = "Deconvnet projection";

	private final String layer;
	private final int channel, x, y;
	private final float activation;
	private final float[] perChannel;
	private final int channels, width, height;

	private UnitDeconvnet(final String layer, final int channel, final int x, final int y, final float activation, final float[] perChannel,
		final int channels, final int width, final int height)
	{
		this.layer = layer;
		this.channel = channel;
		this.x = x;
		this.y = y;
		this.activation = activation;
		this.perChannel = perChannel;
		this.channels = channels;
		this.width = width;
		this.height = height;
	}

	/**
	 * @param image raw values [X, Y, C]
	 * @throws io.github.explainij.ExplainException for a missing stage, a channel or position outside the stage's grid
	 */
	public static UnitDeconvnet of(final io.github.explainij.model.Network network, final RandomAccessibleInterval<FloatType> image,
		final String layer, final int channel, final int x, final int y)
	{
		final StagewiseBackward stages = new StagewiseBackward(network, NAME);
		final int stage = network.stageIndex(layer);
		final ExplainRequest request = new ExplainRequest(network, image, TargetSpec.predicted(), ScoreKind.LOGIT);
		final List<Tensor> trace = stages.forward(StagewiseBackward.networkInput(request));
		final Tensor out = trace.get(stage + 1);
		final StageActivation unit = StageActivation.neuron(stage, layer, channel, y, x);
		float[] up = stages.seed(out, unit);
		for (int i = stage; i >= 0; i--) {
			if (StagewiseBackward.RELU.equals(stages.kind(i))) {
				final float[] g = new float[up.length];
				for (int j = 0; j < g.length; j++) g[j] = Math.max(0, up[j]);
				up = g;
			}
			else {
				up = stages.vjp(i, trace.get(i), up);
			}
		}
		final float activation = stages.score(out, unit);
		return new UnitDeconvnet(layer, channel, x, y, activation, StagewiseBackward.toRawGradient(request, up), request.channels(),
			request.width(), request.height());
	}

	public String layer() { return layer; }

	public int channel() { return channel; }

	public int x() { return x; }

	public int y() { return y; }

	/** The activation a[channel, y, x] for this image. */
	public float activation() { return activation; }

	public int width() { return width; }

	public int height() { return height; }

	/** The projection per image channel, channel-major [C, H, W] (a copy). */
	public float[] perChannel() { return perChannel.clone(); }

	/** The projection summed over the image's channels, row-major [H, W]. */
	public float[] map() {
		final int n = width * height;
		final float[] m = new float[n];
		for (int c = 0; c < channels; c++) {
			for (int i = 0; i < n; i++) m[i] += perChannel[c * n + i];
		}
		return m;
	}
}
