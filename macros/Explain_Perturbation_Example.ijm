// Explain-IJ: the three perturbation methods on one image (model-agnostic, forward passes only).
//
// Opens a sample cell, then runs Occlusion Sensitivity (with its per-window probability map), RISE and
// LIME (its top superpixels go to the ROI Manager). Batch / headless: pass
// "image=<file.tif> model=<file.pt>" as the macro argument.
// Boolean options (show_overlay) are ImageJ checkboxes: present means true, absent false.

arg = getArgument();
image = option(arg, "image", "");
model = option(arg, "model", "");
if (image == "") image = File.openDialog("Image to explain");
if (model == "") model = File.openDialog("TorchScript model (.pt)");

open(image);
source = getTitle();

// 16x16-pixel windows every 4 pixels, occluded with the image mean; explain the predicted class's probability
run("Occlusion Sensitivity", "model_file=[" + model + "] target=predicted score=probability device=auto show_overlay window=16 stride=4 units=pixels fill=mean fill_value=0 batch_size=0");
print("occlusion: " + getTitle() + ", " + Property.get("forward_passes") + " forward passes");

// the same with window and stride in the image's calibrated units (e.g. microns), if it has them
getPixelSize(unit, pw, ph);
if (unit != "pixels" && unit != "pixel") {
	selectImage(source);
	run("Occlusion Sensitivity", "model_file=[" + model + "] target=predicted score=probability device=auto window=" + (16 * pw) + " stride=" + (4 * pw) + " units=calibrated fill=mean fill_value=0 batch_size=0");
}

selectImage(source);
run("RISE", "model_file=[" + model + "] target=predicted score=logit device=auto masks=2000 cell=8 units=pixels p=0.5 seed=0 fill=zero batch_size=0");
print("RISE: " + getTitle());

selectImage(source);
run("LIME", "model_file=[" + model + "] target=predicted score=logit device=auto segments=50 compactness=0.5 samples=1000 kernel_width=0.25 features=5 seed=0 fill=segment_mean fill_value=0 batch_size=0");
print("LIME top superpixels (label:weight): " + Property.get("top_superpixels"));

// The value of key=value in a macro argument (values without spaces, or in [brackets]).
function option(text, key, fallback) {
	text = " " + text + " ";
	start = indexOf(text, " " + key + "=");
	if (start < 0) return fallback;
	start = start + lengthOf(key) + 2;
	if (substring(text, start, start + 1) == "[") return substring(text, start + 1, indexOf(text, "]", start));
	return substring(text, start, indexOf(text, " ", start));
}
