// Explain-IJ: the gradient family on one image.
//
// Runs Gradient x Input, SmoothGrad, Integrated Gradients and Interior Gradients on an image and
// prints what Integrated Gradients reports about completeness (its attributions should add up to
// score(image) - score(baseline); a large gap means more steps are needed).
//
// Interactive: open an image, then Plugins > Macros > Run... and choose the model.
// Batch: pass "image=<file.tif> model=<file.pt> [output=<folder>]" as the macro argument; with an
// output folder every map is saved there as <method>.tif.
//
// Boolean options (show_overlay, absolute, per_channel) are ImageJ checkboxes: present means true.

arg = getArgument();
image = option(arg, "image", "");
model = option(arg, "model", "");
output = option(arg, "output", "");
if (image != "") open(image);
if (nImages == 0) exit("Open an image first (or pass image=<file> as the macro argument)");
if (model == "") model = File.openDialog("TorchScript model (.pt)");
if (output != "" && !endsWith(output, File.separator)) output = output + File.separator;
if (output != "") File.makeDirectory(output);
setBatchMode(true);
source = getImageID();
common = "model_file=[" + model + "] target=predicted score=logit device=auto";

run("Gradient x Input", common);
save_and_close("gradient-x-input");

selectImage(source);
run("SmoothGrad", common + " samples=25 noise=0.15 variant=smoothgrad base=saliency seed=1 batch_size=0");
save_and_close("smoothgrad");

selectImage(source);
run("Integrated Gradients", common + " steps=50 integration=gausslegendre baseline=zero seed=1 batch_size=0");
print("Integrated Gradients: sum of attributions " + Property.get("sum_of_attributions") + ", score(image) - score(baseline) " +
	Property.get("score_difference") + ", completeness gap " + Property.get("completeness_gap"));
save_and_close("integrated-gradients");

selectImage(source);
run("Interior Gradients", common + " alphas=[0.1,0.2,...,1.0] batch_size=0");
print("Interior Gradients: " + nSlices + " slices, scores along the sweep " + Property.get("scores_along_alphas"));
save_and_close("interior-gradients");

selectImage(source);
if (output != "") print("Explain-IJ: gradient family done; maps in " + output);
else print("Explain-IJ: gradient family done");

function save_and_close(name) {
	// the attribution image is the active image after each command
	if (output != "") saveAs("Tiff", output + name + ".tif");
	close();
}

// The value of key=value in a macro argument (values without spaces, or in [brackets]).
function option(text, key, fallback) {
	text = " " + text + " ";
	start = indexOf(text, " " + key + "=");
	if (start < 0) return fallback;
	start = start + lengthOf(key) + 2;
	if (substring(text, start, start + 1) == "[") return substring(text, start + 1, indexOf(text, "]", start));
	return substring(text, start, indexOf(text, " ", start));
}
