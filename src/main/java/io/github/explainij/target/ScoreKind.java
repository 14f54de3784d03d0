package io.github.explainij.target;

import io.github.explainij.ExplainException;

/** Which score of the target class is explained. */
public enum ScoreKind {
	/** The raw network output (pre-softmax), Captum's default. */
	LOGIT,
	/** softmax(logits)[target]. */
	PROBABILITY;

	public static ScoreKind parse(final String s) {
		if (s == null || s.isBlank()) return LOGIT;
		switch (s.trim().toLowerCase()) {
			case "logit": return LOGIT;
			case "probability": case "prob": return PROBABILITY;
			default: throw new ExplainException("score must be logit or probability, not '" + s + "'");
		}
	}

	public String key() {
		return name().toLowerCase();
	}
}
