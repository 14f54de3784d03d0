package io.github.explainij.method;

/**
 * An attribution method with its parameters fixed (an immutable value, validated when built): explains
 * the request's target on the request's image. Commands, the command line, the benchmark, wrappers such
 * as SmoothGrad ({@link io.github.explainij.method.gradient.SmoothGrad}, Captum's {@code NoiseTunnel})
 * and evaluations call methods through this type; a method never sees ImageJ, stacks, objects or
 * folders (the workflow layer loops over those).
 */
public interface AttributionMethod {

	/** The attribution of the request's target, at the request's image size. */
	Attribution explain(ExplainRequest request);

	/** Whether the method explains volumes for 3D models ({@link ExplainRequest#isVolume()}). */
	default boolean supportsVolumes() {
		return false;
	}
}
