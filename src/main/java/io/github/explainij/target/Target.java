package io.github.explainij.target;

import ai.djl.ndarray.NDArray;

/**
 * What an explanation explains: a score function on the network's output, {@code score(output) -> [B]},
 * differentiable, one score per sample. A class logit or probability of a classifier, the mean (or sum)
 * of a class over a region of a segmentation network's dense output, ... Methods differentiate, perturb
 * or propagate "a target" and never select classes themselves; {@link io.github.explainij.model.Network}
 * knows nothing of classes.
 */
public interface Target {

	/**
	 * @param output the network's output [B, ...] (logits [B, K], or a dense [B, K, (D,) H, W])
	 * @return the score of each sample [B], attached to the output's manager
	 */
	NDArray score(NDArray output);

	/**
	 * The stage whose output this target scores ({@link StageActivation}), or -1 (the default) for the
	 * network's output. {@link io.github.explainij.model.Network} runs the stages up to and including it.
	 */
	default int stage() {
		return -1;
	}
}
