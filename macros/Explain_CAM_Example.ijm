// Explain-IJ: the class activation maps of one image, side by side.
//
// Runs CAM, Grad-CAM, Grad-CAM++, Score-CAM and Layer-CAM on the image (default: a sample cell) for
// the predicted class, at the model's default layer (the sidecar's cam_layer), Grad-CAM once more
// with its map at the layer's own resolution, and Guided Grad-CAM. Each result is a raw 32-bit image; its Info records the
// layer and every parameter. Optionally saves them to an output folder.
//
// Batch: pass "image=<file.tif> model=<file.pt> [output=<folder>]" as the macro argument.
// Boolean options (relu, layer_resolution, show_overlay) are ImageJ checkboxes: present means true.

arg = getArgument();
image = option(arg, "image", "");
model = option(arg, "model", "");
output = option(arg, "output", "");
if (image == "") image = File.openDialog("Image to explain");
if (model == "") model = File.openDialog("TorchScript model with stages (.pt)");

setBatchMode(true);
open(image);
source = getImageID();
name = File.nameWithoutExtension;
common = "model_file=[" + model + "] target=predicted score=logit device=auto";

run("CAM", common); // signed: no relu (Zhou et al.)
save(output, name, "cam");
selectImage(source);
run("Grad-CAM", common + " relu");
save(output, name, "grad-cam");
selectImage(source);
run("Grad-CAM++", common + " relu");
save(output, name, "grad-cam-pp");
selectImage(source);
run("Score-CAM", common + " relu batch_size=0");
save(output, name, "score-cam");
selectImage(source);
run("Layer-CAM", common + " relu");
save(output, name, "layer-cam");
selectImage(source);
// the map on the layer's own grid comes as a second image, titled "Grad-CAM at <layer> of ...";
// the attribution (upsampled to the image) stays the active image
run("Grad-CAM", common + " relu layer_resolution");
attribution = getImageID();
for (i = 1; i <= nImages; i++) {
	selectImage(i);
	if (startsWith(getTitle(), "Grad-CAM at ")) save(output, name, "grad-cam_layer_map");
}
selectImage(attribution);
print("explained with 5 class activation maps at layer " + Property.get("layer"));

// Guided Grad-CAM: guided backpropagation's detail gated by the Grad-CAM map (signed)
selectImage(source);
run("Guided Grad-CAM", common + " upsample=bilinear");
save(output, name, "guided-grad-cam");
print("Guided Grad-CAM at layer " + Property.get("layer"));

function save(folder, name, suffix) {
	if (folder != "") saveAs("Tiff", folder + File.separator + name + "_" + suffix + ".tif");
}

function option(text, key, fallback) {
	text = " " + text + " ";
	start = indexOf(text, " " + key + "=");
	if (start < 0) return fallback;
	start = start + lengthOf(key) + 2;
	if (substring(text, start, start + 1) == "[") return substring(text, start + 1, indexOf(text, "]", start));
	return substring(text, start, indexOf(text, " ", start));
}
