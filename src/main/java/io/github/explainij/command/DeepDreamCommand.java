package io.github.explainij.command;

import ij.ImagePlus;

import io.github.explainij.image.ImagePlusAdapter;
import io.github.explainij.inspect.DeepDream;
import io.github.explainij.model.Network;
import io.github.explainij.target.StageActivation;

import java.util.List;
import java.util.Locale;

import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/** DeepDream: the current image changed to excite a layer more, octave by octave (Mordvintsev et al.). */
@Plugin(type = Command.class, name = "deep-dream", menuPath = Options.MENU_INSIDE + ">DeepDream", label = "DeepDream",
	description = "Changes the current image so that a layer responds more strongly (gradient ascent on the mean square of its " +
		"activations), from a coarse copy to full size (octaves), as Mordvintsev et al.'s DeepDream: shows what patterns the layer " +
		"looks for, in the context of this image.")
public class DeepDreamCommand extends AnalysisCommand {

	@Parameter(label = "Image", description = "the image to dream on (the active image)")
	protected ImagePlus image;

	@Parameter(label = "Layer", description = Options.LAYER_DESCRIPTION)
	protected String layer = "";

	@Parameter(label = "Octaves", description = "How many sizes of the image are dreamed on, each octave_scale times smaller than the last (1: the image's own size only).")
	protected int octaves = 4;

	@Parameter(label = "Octave scale", description = "How much smaller each octave is (more than 1).")
	protected double octave_scale = 1.4;

	@Parameter(label = "Steps per octave", description = "Gradient-ascent steps at each octave.")
	protected int steps = 10;

	@Parameter(label = "Step size", description = "How far each step moves on average per pixel, in the network's input units (after the " +
		"model's normalization): each step adds step_size / mean|gradient| times the gradient.")
	protected double step_size = 0.05;

	@Parameter(label = "Jitter (pixels)", description = "Shift the image randomly by up to this many pixels before each step (0: none).")
	protected int jitter = 4;

	@Parameter(label = "Random seed", description = Options.SEED_DESCRIPTION)
	protected long seed = 0;

	@Override
	protected AnalysisResults analyse(final Network network) {
		final ImagePlus source = sourceImage(image);
		final float[][] planes = ImagePlusAdapter.planes(ImagePlusAdapter.currentPlanes(source));
		network.requireStages("DeepDream");
		final String stage = Options.layerOrDefault(layer, network);
		final StageActivation target = StageActivation.layer(network.stageIndex(stage), stage);
		final DeepDream.Result r = DeepDream.run(network, target, network.transformFor(planes), planes, source.getWidth(), source.getHeight(),
			octaves, octave_scale, steps, step_size, jitter, seed, progress());
		final ImagePlus out = ActivationMaxCommand.stack("DeepDream of " + stage, java.util.Collections.singletonList(r.image()), List.of("dream of " + stage),
			source.getWidth(), source.getHeight(), source);
		out.setProperty("Info", String.format(Locale.ROOT, "Explain-IJ DeepDream\nlayer: %s\noctaves: %d\noctave_scale: %s\nsteps: %d\n" +
			"step_size: %s\njitter: %d\nseed: %d\nsource: %s", stage, octaves, octave_scale, steps, step_size, jitter, seed, source.getTitle()));
		out.setProp("method", "deep-dream");
		out.setProp("layer", stage);
		out.setProp("seed", Long.toString(seed));
		return new AnalysisResults().image("dream", out).property("objective_start", ActivationMaxCommand.number(r.objectiveStart()))
			.property("objective_end", ActivationMaxCommand.number(r.objectiveEnd()));
	}
}
