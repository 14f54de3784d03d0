package io.github.explainij.command;

import io.github.explainij.method.AttributionMethod;
import io.github.explainij.method.relevance.Lrp;

import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/** Plugins > Explain-IJ > Attribution > LRP (CLI: {@code lrp}). */
@Plugin(type = Command.class, name = "lrp", label = Lrp.NAME, menuPath = Options.MENU_ATTRIBUTION + ">" + Lrp.NAME,
	description = "Layer-wise Relevance Propagation: the target's logit redistributed layer by layer down to the pixels (Bach et al. 2015)")
public class LrpCommand extends AttributionCommand {

	@Parameter(label = "Rule", choices = { Options.LRP_RULE_EPSILON, Options.LRP_RULE_ZPLUS, Options.LRP_RULE_ALPHABETA,
		Options.LRP_RULE_COMPOSITE }, description = "How the score is shared out layer by layer: epsilon everywhere (closest to " +
			"the gradient), z+ or alpha-beta on conv and linear layers (positive evidence, less noise), or composite: z-box on the first " +
			"conv, z+ on the other convs, epsilon on linear layers (the usual choice for images)")
	private String rule = Options.LRP_RULE_EPSILON;

	@Parameter(label = "Epsilon", description = "A small number that keeps the sharing stable (added to every denominator, z + epsilon * " +
		"sign(z)); larger values keep only the strongest evidence")
	private double epsilon = Options.LRP_EPSILON;

	@Parameter(label = "Alpha", description = "Alpha-beta rule only: weight of the evidence for the class (alpha - beta must be 1)")
	private double alpha = Options.LRP_ALPHA;

	@Parameter(label = "Beta", description = "Alpha-beta rule only: weight of the evidence against the class")
	private double beta = Options.LRP_BETA;

	@Parameter(label = "One slice per channel", description = Options.PER_CHANNEL_DESCRIPTION)
	private boolean per_channel = false;

	@Override
	public AttributionMethod method() {
		return new Lrp(rule, epsilon, alpha, beta, per_channel);
	}
}
