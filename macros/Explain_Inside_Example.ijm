// Explain-IJ: looking inside one network with one image.
//
// 1. Feature maps: the activations of layer relu2 (one slice per channel) and a table per channel
//    ("Explain-IJ feature maps": mean, max, fraction of zeros), with a montage.
// 2. Filters: the weights of the first convolution conv1 (slice "conv1 out 3 in 0" holds kernel [3, 0])
//    and their statistics ("Explain-IJ filters").
// 3. Receptive field: the image rectangle that can influence position (5, 3) of layer pool2, as a selection
//    on a copy of the image and a table row ("Explain-IJ receptive field").
// 4. Deconvnet projection of one activation: what channel 7 of relu2 at (11, 14) responds to, in pixels.
// Batch / headless: pass "image=<cells.tif> model=<cells-gap.pt>" as the macro argument.

arg = getArgument();
image = option(arg, "image", "");
model = option(arg, "model", "");
if (image == "") image = File.openDialog("Cell image");
if (model == "") model = File.openDialog("Model (.pt) with stages, e.g. cells-gap.pt");

open(image);
source = getImageID();

// ---- 1. feature maps of relu2 ----
run("Feature Maps", "model_file=[" + model + "] device=auto layer=relu2 montage");
// the stack is the active image (the montage is another window)
setSlice(8);
print("feature maps: " + nSlices + " slices of " + getWidth() + "x" + getHeight() + "; slice 8 is " + getInfo("slice.label"));
print("relu2 channel 7 mean: " + d2s(Table.get("mean", 7, "Explain-IJ feature maps"), 6) +
	", fraction zero: " + d2s(Table.get("fraction_zero", 7, "Explain-IJ feature maps"), 6));

// ---- 2. filters of conv1 ----
run("Filters", "model_file=[" + model + "] device=auto layer=conv1");
setSlice(4);
print("filters: " + nSlices + " kernels of " + getWidth() + "x" + getHeight() + "; slice 4 is " + getInfo("slice.label"));
print("conv1 out 3 l2 norm: " + d2s(Table.get("l2_norm", 3, "Explain-IJ filters"), 6));

// ---- 3. receptive field of pool2 at (5, 3) ----
selectImage(source);
run("Receptive Field", "model_file=[" + model + "] device=auto layer=pool2 x=5 y=3");
getSelectionBounds(rx, ry, rw, rh);
print("receptive field: " + rx + "," + ry + " " + rw + "x" + rh + " (" + Table.getString("found_by", 0, "Explain-IJ receptive field") + ")");

// ---- 4. deconvnet projection of relu2 channel 7 at (11, 14) ----
selectImage(source);
run("Deconvnet Projection of a Unit", "model_file=[" + model + "] device=auto layer=relu2 channel=7 x=11 y=14");
print("unit activation: " + d2s(Table.get("activation", 0, "Explain-IJ deconvnet unit"), 6) + ", pixel (22, 28): " + d2s(getPixel(22, 28), 12));

// The value of key=value in a macro argument (values without spaces, or in [brackets]).
function option(text, key, fallback) {
	text = " " + text + " ";
	start = indexOf(text, " " + key + "=");
	if (start < 0) return fallback;
	start = start + lengthOf(key) + 2;
	if (substring(text, start, start + 1) == "[") return substring(text, start + 1, indexOf(text, "]", start));
	return substring(text, start, indexOf(text, " ", start));
}
