package io.github.explainij.command;

import ai.djl.ndarray.types.Shape;

import ij.ImagePlus;
import ij.ImageStack;
import ij.gui.Plot;
import ij.process.FloatProcessor;

import io.github.explainij.ExplainException;
import io.github.explainij.image.ImagePlusAdapter;
import io.github.explainij.inspect.ActivationMaximization;
import io.github.explainij.model.InputTransform;
import io.github.explainij.model.Network;
import io.github.explainij.target.ClassScore;
import io.github.explainij.target.ScoreKind;
import io.github.explainij.target.StageActivation;
import io.github.explainij.target.Target;
import io.github.explainij.target.TargetSpec;

import java.util.List;
import java.util.Locale;

import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/** Activation maximization / class model visualization: an image that the network scores high for a class, a channel, a neuron or a layer. */
@Plugin(type = Command.class, name = "activation-max", menuPath = Options.MENU_INSIDE + ">Activation Maximization", label = "Activation Maximization",
	description = "Gradient ascent on an image to find what a class, a channel, one neuron or a whole layer responds to most " +
		"(Simonyan et al.'s class model visualization; Erhan et al.), with optional priors that make the image look natural.")
public class ActivationMaxCommand extends AnalysisCommand {

	public static final String CLASS = "class", CHANNEL = "channel", NEURON = "neuron", LAYER = "layer";
	public static final String PIXEL = "pixel", FFT = "fft";
	public static final String NOISE = "noise", CONSTANT = "constant", IMAGE = "image";

	@Parameter(label = "Image", description = "the current image: where the ascent starts with init = image; its normalization, channels " +
		"and calibration are used in every case")
	protected ImagePlus image;

	@Parameter(label = "Objective", choices = { CLASS, CHANNEL, NEURON, LAYER }, description = "What is raised: a class's score (logit), " +
		"the mean activation of one channel of a layer, one activation (channel at x, y of the layer's grid), or the mean square of a whole layer.")
	protected String objective = CLASS;

	@Parameter(label = "Target class", description = "For objective = class: a class name or number (0 is the first); 'predicted': the class the " +
		"model chooses for the current image.")
	protected String target = Options.TARGET_PREDICTED;

	@Parameter(label = "Layer", description = "For objective = channel, neuron, layer: " + Options.LAYER_DESCRIPTION)
	protected String layer = "";

	@Parameter(label = "Channel", description = "For objective = channel and neuron: the channel of the layer (0 is the first).")
	protected int channel = 0;

	@Parameter(label = "x (neuron)", description = "For objective = neuron: the column on the layer's own grid (0 is the left).")
	protected int x = 0;

	@Parameter(label = "y (neuron)", description = "For objective = neuron: the row on the layer's own grid (0 is the top).")
	protected int y = 0;

	@Parameter(label = "Steps", description = "How many gradient-ascent steps.")
	protected int steps = 100;

	@Parameter(label = "Step size", description = "How far each step moves, in the network's input units (after the model's normalization).")
	protected double step_size = 1;

	@Parameter(label = "L2 decay", description = "Weight of the image's squared norm subtracted from the objective (Simonyan et al.); 0: none.")
	protected double l2_decay = 0;

	@Parameter(label = "Total variation weight", description = "Weight of the image's total variation subtracted from the objective: " +
		"favours smooth images; 0: none.")
	protected double tv_weight = 0;

	@Parameter(label = "Blur every (steps)", description = "Blur the image with a Gaussian every this many steps (0: never).")
	protected int blur_every = 0;

	@Parameter(label = "Blur sigma (pixels)", description = "The Gaussian's standard deviation when blur_every > 0.")
	protected double blur_sigma = 0.5;

	@Parameter(label = "Jitter (pixels)", description = "Shift the image randomly by up to this many pixels before each step (0: none); " +
		"reduces high-frequency artefacts.")
	protected int jitter = 0;

	@Parameter(label = "Parameterization", choices = { PIXEL, FFT }, description = "Optimize the pixels, or the image's Fourier spectrum " +
		"scaled by 1/frequency (Lucid's fft_image), which gives smoother, more natural images.")
	protected String parameterization = PIXEL;

	@Parameter(label = "Decay power (fft)", description = "For parameterization = fft: the spectrum is scaled by 1/frequency to this power.")
	protected double decay_power = 1;

	@Parameter(label = "Start from", choices = { NOISE, CONSTANT, IMAGE }, description = "Where the ascent starts: random noise (standard deviation 0.5 in the network's input units), a " +
		"constant image (the normalization's centre, e.g. the training mean), or the current image.")
	protected String init = NOISE;

	@Parameter(label = "Width (0 = automatic)", description = "The image's width when not starting from the current image; 0: the " +
		"model's input width, else 64.")
	protected int width = 0;

	@Parameter(label = "Height (0 = automatic)", description = "The image's height when not starting from the current image; 0: the " +
		"model's input height, else 64.")
	protected int height = 0;

	@Parameter(label = "Record every (steps)", description = "Keep the image every this many steps in the trajectory stack (0: start and end only).")
	protected int record_every = 10;

	@Parameter(label = "Random seed", description = Options.SEED_DESCRIPTION)
	protected long seed = 0;

	@Override
	protected AnalysisResults analyse(final Network network) {
		final ImagePlus source = sourceImage(image);
		final float[][] planes = ImagePlusAdapter.planes(ImagePlusAdapter.currentPlanes(source));
		final InputTransform transform = network.transformFor(planes);
		final String kind = choice("objective", objective, CLASS, CHANNEL, NEURON, LAYER);
		final boolean fft = choice("parameterization", parameterization, PIXEL, FFT).equals(FFT);
		final String start = choice("init", init, NOISE, CONSTANT, IMAGE);
		final int w, h;
		if (start.equals(IMAGE)) {
			w = source.getWidth();
			h = source.getHeight();
		}
		else {
			if (width < 0 || height < 0) throw new ExplainException("width and height must be 0 (automatic) or a number of pixels");
			w = width > 0 ? width : network.spec().hasFixedSize() ? network.spec().width() : 64;
			h = height > 0 ? height : network.spec().hasFixedSize() ? network.spec().height() : 64;
		}
		final Target t;
		final String what;
		if (kind.equals(CLASS)) {
			final float[] logits = network.logits(ImagePlusAdapter.chw(planes), new Shape(1, planes.length, source.getHeight(), source.getWidth()), transform);
			final int k = TargetSpec.parse(target).resolve(logits, network.spec().classes());
			t = ClassScore.of(k, ScoreKind.LOGIT);
			what = "class " + (k < network.spec().classes().size() ? network.spec().classes().get(k) : Integer.toString(k));
		}
		else {
			network.requireStages("activation-max with objective = " + kind);
			final String stage = Options.layerOrDefault(layer, network);
			final int index = network.stageIndex(stage);
			t = kind.equals(CHANNEL) ? StageActivation.channel(index, stage, channel)
				: kind.equals(NEURON) ? StageActivation.neuron(index, stage, channel, y, x) : StageActivation.layer(index, stage);
			what = t.toString();
		}
		final ActivationMaximization.Settings settings = new ActivationMaximization.Settings(steps, step_size, l2_decay, tv_weight, blur_every,
			blur_sigma, jitter, fft, decay_power, ActivationMaximization.Init.valueOf(start.toUpperCase(Locale.ROOT)), seed, record_every);
		final ActivationMaximization.Result r = ActivationMaximization.run(network, t, transform, start.equals(IMAGE) ? planes : null,
			planes.length, w, h, settings, progress());

		final ImagePlus out = stack("Activation maximization of " + what, java.util.Collections.singletonList(r.image()), List.of("step " + steps), w, h, source);
		final List<String> labels = new java.util.ArrayList<>();
		for (final int s : r.frameSteps()) labels.add("step " + s);
		final ImagePlus trajectory = stack("Trajectory of " + what, r.frames(), labels, w, h, source);
		final double[] xs = new double[r.objective().length];
		for (int i = 0; i < xs.length; i++) xs[i] = i;
		final Plot plot = new Plot("Objective of " + what, "step", "objective (" + what + ")");
		plot.add("line", xs, r.objective());
		final String info = String.format(Locale.ROOT, "Explain-IJ activation maximization\nobjective: %s\nsteps: %d\nstep_size: %s\n" +
			"l2_decay: %s\ntv_weight: %s\nblur_every: %d\nblur_sigma: %s\njitter: %d\nparameterization: %s\ndecay_power: %s\ninit: %s\nseed: %d\n" +
			"source: %s", what, steps, step_size, l2_decay, tv_weight, blur_every, blur_sigma, jitter, fft ? FFT : PIXEL, decay_power, start, seed,
			source.getTitle());
		out.setProperty("Info", info);
		out.setProp("method", "activation-max");
		out.setProp("objective", what);
		out.setProp("seed", Long.toString(seed));
		return new AnalysisResults().image("image", out).image("trajectory", trajectory).plot("objective", plot)
			.property("objective_start", number(r.objectiveStart())).property("objective_end", number(r.objectiveEnd()));
	}

	static String number(final double v) {
		return String.format(Locale.ROOT, "%.9g", v);
	}

	static String choice(final String key, final String value, final String... choices) {
		final String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
		for (final String c : choices) if (c.equals(v)) return c;
		throw new ExplainException(key + " must be one of " + String.join(", ", choices) + ", not '" + value + "'");
	}

	/** Frames of raw planes as a 32-bit stack (channels x frames), with the source's calibration. */
	static ImagePlus stack(final String title, final List<float[][]> frames, final List<String> labels, final int w, final int h,
		final ImagePlus source)
	{
		final ImageStack stack = new ImageStack(w, h);
		final int channels = frames.get(0).length;
		for (int f = 0; f < frames.size(); f++) {
			for (int c = 0; c < channels; c++) {
				stack.addSlice(labels.get(f) + (channels > 1 ? " channel " + (c + 1) : ""), new FloatProcessor(w, h, frames.get(f)[c]));
			}
		}
		final ImagePlus imp = new ImagePlus(title + " (" + source.getTitle() + ")", stack);
		if (channels > 1 || frames.size() > 1) imp.setDimensions(channels, 1, frames.size());
		imp.setCalibration(source.getCalibration().copy());
		imp.resetDisplayRange();
		return imp;
	}
}
