package io.github.explainij.method.cam;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import io.github.explainij.method.Batching;
import io.github.explainij.method.ExplainRequest;
import io.github.explainij.model.MemoryBudget;
import io.github.explainij.model.Network;
import io.github.explainij.target.ClassScore;

import java.util.Map;

/**
 * Score-CAM (Wang et al. 2020), as pytorch-grad-cam's {@code ScoreCAM}: each activation channel A_c is
 * upsampled to the network input's size (bilinear with aligned corners, PyTorch's
 * {@code UpsamplingBilinear2d}), min-max normalized to [0, 1] ({@code (A - min) / (max - min + 1e-8)}),
 * and multiplies the NETWORK INPUT (the normalized, resized tensor the model is given, as
 * pytorch-grad-cam multiplies the tensor it was called with; masked-out pixels become 0 in normalized
 * units, e.g. the training mean for mean/std normalization). The score of the target on each masked
 * input (logit or probability, as requested) goes through a softmax over the channels to give w_c.
 * No gradients. The masked inputs run in batches of {@code batchSize} (0 = automatic); results do not
 * depend on the batch size.
 */
public final class ScoreCam extends ClassActivationMap {

	public static final String NAME = "Score-CAM";

	/** pytorch-grad-cam's epsilon in the min-max normalization. */
	static final float EPS = 1e-8f;

	private final int batchSize;

	/**
	 * The batch choice of this thread's current run, for {@link #variantParameters()} (called after
	 * {@link #weights} in the same run; the method object itself stays immutable and shareable).
	 */
	private final ThreadLocal<MemoryBudget.BatchChoice> lastChoice = new ThreadLocal<>();

	public ScoreCam(final String layer, final boolean relu, final int batchSize) {
		super(layer, relu);
		this.batchSize = Batching.checkRequested(batchSize);
	}

	@Override
	protected int extraForwardPasses(final LayerActivations a) {
		return a.channels();
	}

	@Override
	public String name() {
		return NAME;
	}

	@Override
	protected boolean usesGradients() {
		return false;
	}

	@Override
	protected Map<String, String> variantParameters() {
		final MemoryBudget.BatchChoice choice = lastChoice.get();
		lastChoice.remove();
		return Map.of("batch_size", choice == null ? Integer.toString(batchSize) : Batching.describe(batchSize, choice));
	}

	@Override
	protected float[] weights(final LayerActivations a, final ExplainRequest request, final int target) {
		final int c = a.channels(), h = a.height(), w = a.width();
		final Shape in = a.inputShape();
		final int cin = (int) in.get(1), hin = (int) in.get(2), win = (int) in.get(3), m = hin * win;
		final float[] x = a.networkInput();
		final float[] act = a.activations();
		final Network net = request.network();
		// the masked inputs are at the network input's size: the budget is for a forward pass there
		final MemoryBudget.BatchChoice choice = MemoryBudget.batchSize(new MemoryBudget.Work(net, cin, 1, hin, win), batchSize, c,
			Batching.batchSize(0, (long) cin * m, c), MemoryBudget.Pass.FORWARD);
		lastChoice.set(choice);
		final int batch = choice.batch();
		final float[] scores = new float[c];
		final ClassScore targetFunction = request.targetFunction();
		for (int start = 0; start < c; start += batch) {
			final int b = Math.min(batch, c - start);
			final float[] inputs = new float[b * cin * m];
			for (int s = 0; s < b; s++) {
				final float[] mask = mask(act, start + s, h, w, hin, win);
				for (int ch = 0; ch < cin; ch++) {
					for (int i = 0; i < m; i++) inputs[(s * cin + ch) * m + i] = x[ch * m + i] * mask[i];
				}
			}
			try (NDManager scope = net.manager().newSubManager()) {
				final NDArray output = net.forward(scope.create(inputs, new Shape(b, cin, hin, win)), false);
				System.arraycopy(targetFunction.score(output).toFloatArray(), 0, scores, start, b);
			}
			request.progress().step(start + b, c);
		}
		// softmax over the channels (torch.nn.Softmax(dim=-1))
		double max = Double.NEGATIVE_INFINITY;
		for (final float s : scores) max = Math.max(max, s);
		double sum = 0;
		final double[] e = new double[c];
		for (int k = 0; k < c; k++) sum += e[k] = Math.exp(scores[k] - max);
		final float[] weights = new float[c];
		for (int k = 0; k < c; k++) weights[k] = (float) (e[k] / sum);
		return weights;
	}

	/** Channel k of A upsampled to the network input's size and min-max scaled to [0, 1] (made per batch to bound memory). */
	private static float[] mask(final float[] act, final int k, final int h, final int w, final int hin, final int win) {
		final int n = h * w;
		final float[] channel = new float[n];
		System.arraycopy(act, k * n, channel, 0, n);
		final float[] up = Upsampling.bilinearAlignCorners(channel, h, w, hin, win);
		float min = Float.POSITIVE_INFINITY, max = Float.NEGATIVE_INFINITY;
		for (final float v : up) {
			min = Math.min(min, v);
			max = Math.max(max, v);
		}
		final float range = max - min + EPS;
		for (int i = 0; i < up.length; i++) up[i] = (up[i] - min) / range;
		return up;
	}
}
