package io.github.explainij.method.cam;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

import io.github.explainij.ExplainException;
import io.github.explainij.method.ExplainRequest;
import io.github.explainij.model.Network;
import io.github.explainij.target.ClassScore;
import io.github.explainij.target.ScoreKind;

import java.util.List;
import java.util.Map;

/**
 * CAM, class activation mapping (Zhou et al. 2016): for a network that ends in global average
 * pooling, flatten and one linear layer, the features F that the pooling averages, weighted by the
 * linear layer's weights for the class: {@code cam = sum_c W[k, c] F_c} (bias excluded). Its spatial
 * mean plus the bias is the class logit, so CAM explains the logit; a probability score is refused.
 * <p>
 * The weights are not read from the model's parameters: the tail (flatten, linear) is affine in the
 * pooled features P, so {@code W[k, :] = d logit_k / d P}, one autograd pass. No ReLU by default
 * ({@code relu=false}): the paper's map is the signed weighted sum.
 * <p>
 * The chosen layer must be followed only by an optional ReLU, the pooling ("avgpool" producing 1x1),
 * flatten and one linear stage; the features are the output of the stage right before the pooling.
 */
public final class Cam extends ClassActivationMap {

	public static final String NAME = "CAM";

	public Cam(final String layer, final boolean relu) {
		super(layer, relu);
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
	protected void check(final ExplainRequest request) {
		if (request.score() == ScoreKind.PROBABILITY) {
			throw new ExplainException("CAM weighs the features by the linear layer's weights of the class, which explains the class's " +
				"logit, not its probability: use score=logit, or Grad-CAM for the probability");
		}
	}

	@Override
	protected int featureStage(final Network network, final int chosen) {
		final List<String> kinds = network.layerKinds();
		final List<String> names = network.layerNames();
		final String layer = names.get(chosen);
		if (kinds.isEmpty()) {
			throw new ExplainException("CAM needs to know the kinds of the stages after '" + layer + "' (layer_kinds), and " +
				network.file().getFileName() + " does not export them. Use Grad-CAM, which works at any layer");
		}
		int i = chosen + 1;
		if (i < kinds.size() && kinds.get(i).equals("relu")) i++;
		final int pool = i;
		final boolean fits = kinds.size() == pool + 3 && kinds.get(pool).equals("avgpool") && kinds.get(pool + 1).equals("flatten") &&
			kinds.get(pool + 2).equals("linear");
		if (!fits) {
			throw new ExplainException("CAM needs the layer to be followed only by (a ReLU,) global average pooling, flatten and ONE " +
				"linear layer (Zhou et al. 2016); after '" + layer + "' this model has " + names.subList(chosen + 1, names.size()) +
				" " + kinds.subList(chosen + 1, kinds.size()) + ". Use Grad-CAM, which works with any head");
		}
		return pool - 1;
	}

	@Override
	protected Map<String, String> variantResults(final LayerActivations a) {
		return Map.of("cam_features", a.layer());
	}

	@Override
	protected float[] weights(final LayerActivations a, final ExplainRequest request, final int target) {
		final Network net = request.network();
		final int pool = a.stage() + 1, n = net.layerNames().size();
		return net.autograd((scope, collector) -> {
			final NDArray features = scope.create(a.activations(), new Shape(1, a.channels(), a.height(), a.width()));
			final NDArray pooledOut = net.forwardLayers(features, pool, pool + 1, false);
			if (!pooledOut.getShape().equals(new Shape(1, a.channels(), 1, 1))) {
				throw new ExplainException("CAM needs GLOBAL average pooling (output 1x1 per channel); stage '" + net.layerNames().get(pool) +
					"' outputs " + pooledOut.getShape() + ". Use Grad-CAM");
			}
			final NDArray pooled = scope.create(pooledOut.toFloatArray(), pooledOut.getShape()); // a leaf (see LayerActivations)
			pooled.setRequiresGradient(true);
			final NDArray logits = net.forwardLayers(pooled, pool + 1, n, true);
			collector.backward(ClassScore.of(target, ScoreKind.LOGIT).score(logits).sum());
			return pooled.getGradient().toFloatArray();
		});
	}
}
