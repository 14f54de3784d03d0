// Explain-IJ: what a network has learned, as images (Plugins > Explain-IJ > Inside the Network).
//
// 1. Activation Maximization: gradient ascent from the current image to raise the score of a class
//    (Simonyan et al.'s class model visualization); prints the score before and after.
// 2. The same for one channel of a layer, from noise, with smoothing priors (total variation, jitter,
//    Lucid's Fourier parameterization); the result, its trajectory stack and the objective plot open.
// 3. DeepDream on the current image: the layer's patterns, amplified octave by octave.
// Batch / headless: pass "image=<cells.tif> model=<cells-gap.pt> step_size=<number>" as the macro argument.

arg = getArgument();
image = option(arg, "image", "");
model = option(arg, "model", "");
stepSize = option(arg, "step_size", "1");
if (image == "") image = File.openDialog("Cell image");
if (model == "") model = File.openDialog("Model (.pt) with stages, e.g. cells-gap.pt");

open(image);
cells = getImageID();

// ---- 1. one class: start from the image, plain gradient ascent ----
run("Activation Maximization", "model_file=[" + model + "] device=auto objective=class target=1 layer=[] channel=0 x=0 y=0 steps=1 " +
	"step_size=" + stepSize + " l2_decay=0 tv_weight=0 blur_every=0 blur_sigma=0.5 jitter=0 parameterization=pixel decay_power=1 " +
	"init=image width=0 height=0 record_every=0 seed=0");
print("class 1: objective_start " + Property.get("objective_start") + ", objective_end " + Property.get("objective_end"));

// ---- 2. one channel, from noise, with priors ----
selectImage(cells);
run("Activation Maximization", "model_file=[" + model + "] device=auto objective=channel target=predicted layer=relu3 channel=5 x=0 y=0 " +
	"steps=20 step_size=2 l2_decay=0 tv_weight=0.001 blur_every=0 blur_sigma=0.5 jitter=2 parameterization=fft decay_power=1 " +
	"init=noise width=48 height=48 record_every=5 seed=3");
print("relu3 channel 5: objective_start " + Property.get("objective_start") + ", objective_end " + Property.get("objective_end") +
	", image " + getWidth() + "x" + getHeight());

// ---- 3. DeepDream on the image ----
selectImage(cells);
run("DeepDream", "model_file=[" + model + "] device=auto layer=relu2 octaves=2 octave_scale=1.4 steps=2 step_size=0.05 jitter=2 seed=3");
print("DeepDream relu2: objective_start " + Property.get("objective_start") + ", objective_end " + Property.get("objective_end") +
	", image " + getWidth() + "x" + getHeight() + ", " + bitDepth() + "-bit");

function option(text, key, fallback) {
	text = " " + text + " ";
	start = indexOf(text, " " + key + "=");
	if (start < 0) return fallback;
	start = start + lengthOf(key) + 2;
	if (substring(text, start, start + 1) == "[") return substring(text, start + 1, indexOf(text, "]", start));
	return substring(text, start, indexOf(text, " ", start));
}
