package io.github.explainij.command;

import io.github.explainij.ExplainException;
import io.github.explainij.method.AttributionMethod;
import io.github.explainij.method.gradient.SmoothGrad;

import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/** Plugins > Explain-IJ > Attribution > SmoothGrad (CLI: {@code smoothgrad}). */
@Plugin(type = Command.class, name = "smoothgrad", label = SmoothGrad.NAME,
	menuPath = Options.MENU_ATTRIBUTION + ">" + SmoothGrad.NAME,
	description = "Gradients averaged over noisy copies of the image (Smilkov et al. 2017; Captum's NoiseTunnel)")
public class SmoothGradCommand extends AttributionCommand {

	@Parameter(label = "Samples", min = "1", description = "How many noisy copies of the image are averaged (one network pass each); more give a " +
		"smoother map and take longer")
	private int samples = 25;

	@Parameter(label = "Noise (fraction of intensity range)", min = "0", stepSize = "0.05",
		description = "Strength of the added noise, as a fraction of the image's intensity range (max - min); " +
			"0.1-0.2 is usual")
	private double noise = 0.15;

	@Parameter(label = "Variant", choices = { Options.VARIANT_SMOOTHGRAD, Options.VARIANT_SMOOTHGRAD_SQ, Options.VARIANT_VARGRAD },
		description = "How the copies' maps are combined: their mean (smoothgrad), the mean of their squares " +
			"(smoothgrad_sq, sharper) or their variance (vargrad)")
	private String variant = Options.VARIANT_SMOOTHGRAD;

	@Parameter(label = "Base (map of each copy)", choices = { Options.BASE_SALIENCY, Options.BASE_GRADIENT_X_INPUT,
		"integrated-gradients", "guided-backprop", "deconvnet", "lrp", "deeplift", "grad-cam", "grad-cam-pp", "layer-cam", "guided-grad-cam",
		"occlusion" },
		description = "What is computed for each noisy copy: the gradient (as Saliency Map), gradient x image (as Gradient x Input), " +
			"or any other method with its own parameters (Captum's NoiseTunnel)")
	private String base = Options.BASE_SALIENCY;

	@Parameter(label = "Parameters of that method", required = false,
		description = "Only for a base other than saliency and gradient-x-input: its parameters as key=value pairs, " +
			"e.g. 'steps=16 baseline=zero' for integrated-gradients. Empty: its defaults")
	private String base_parameters = "";

	@Parameter(label = "Absolute value of each copy",
		description = "Unticked (default): average the signed gradients, as the paper; ticked: average |gradient|, as " +
			"Captum's Saliency(abs=True) in a NoiseTunnel")
	private boolean absolute = false;

	@Parameter(label = "Random seed", description = Options.SEED_DESCRIPTION)
	private long seed = 1;

	@Parameter(label = "Batch size (0 = automatic)", min = "0", description = Options.BATCH_SIZE_DESCRIPTION)
	private int batch_size = 0;

	@Parameter(label = "One slice per channel", description = Options.PER_CHANNEL_DESCRIPTION)
	private boolean per_channel = false;

	@Override
	public AttributionMethod method() {
		if (!base.equals(Options.BASE_SALIENCY) && !base.equals(Options.BASE_GRADIENT_X_INPUT)) {
			final AttributionMethod wrapped = ExplainCommands.method(getContext(), base,
				ExplainCommands.parseParameters(base_parameters, "base_parameters"), image);
			return new SmoothGrad(samples, noise, SmoothGrad.Variant.parse(variant), wrapped, base, seed, absolute);
		}
		if (base_parameters != null && !base_parameters.isBlank()) {
			throw new ExplainException("base_parameters are for a wrapped method; " + base + " takes absolute, per_channel and batch_size here");
		}
		return new SmoothGrad(samples, noise, SmoothGrad.Variant.parse(variant), SmoothGrad.Base.parse(base), seed, absolute, batch_size,
			per_channel);
	}
}
