// Explain-IJ: objects of a segmentation network, and which stain drove a decision.
//
// 1. Opens a cell image and its label image, and explains each labelled object with the segmentation
//    model (cells-unet): one saliency slice per object, and a results table "Explain-IJ objects" with
//    each object's class, score and the share of the attribution that falls inside it.
// 2. Opens a two-channel image (DNA and a marker) and asks the two-channel classifier (cells-2ch)
//    which stain drove its decision: per-channel Integrated Gradients (table "Explain-IJ channels")
//    and Channel Ablation (the score drop when each channel is replaced by its mean).
// Batch / headless: pass "image=<cells.tif> labels=<labels.tif> unet=<cells-unet.pt>
// stains=<two-channel.tif> stains_model=<cells-2ch.pt>" as the macro argument.

arg = getArgument();
image = option(arg, "image", "");
labels = option(arg, "labels", "");
unet = option(arg, "unet", "");
stains = option(arg, "stains", "");
stainsModel = option(arg, "stains_model", "");
if (image == "") image = File.openDialog("Cell image");
if (labels == "") labels = File.openDialog("Its label image (one value per object)");
if (unet == "") unet = File.openDialog("Segmentation model (.pt), e.g. cells-unet.pt");
if (stains == "") stains = File.openDialog("Two-channel image (DNA, marker)");
if (stainsModel == "") stainsModel = File.openDialog("Two-channel model (.pt), e.g. cells-2ch.pt");

// ---- 1. every object of the label image, explained by the segmentation model ----
open(image);
cells = getImageID();
run("Saliency Map", "model_file=[" + unet + "] target=predicted score=logit region=[label image] label_image=[" + labels + "] region_score=mean crop_context=8 planes=current device=auto show_overlay absolute");
print("objects: " + nSlices + " slices in " + getTitle());
for (i = 0; i < Table.size("Explain-IJ objects"); i++) {
	print(Table.getString("name", i, "Explain-IJ objects") + ": " + Table.getString("class_name", i, "Explain-IJ objects") +
		", share inside " + d2s(Table.get("share_inside", i, "Explain-IJ objects"), 6));
}

// the same with regions drawn by hand: two rectangles in the ROI Manager, one slice each
selectImage(cells);
roiManager("reset");
makeRectangle(8, 8, 20, 20);
roiManager("Add");
makeOval(30, 30, 24, 24);
roiManager("Add");
run("Select None");
run("Saliency Map", "model_file=[" + unet + "] target=predicted score=logit region=[ROI Manager] region_score=mean crop_context=8 planes=current device=auto absolute");
print("ROI Manager regions: " + nSlices + " slices; " + Table.getString("name", 1, "Explain-IJ objects") + " is " +
	Table.getString("class_name", 1, "Explain-IJ objects"));

// ---- 2. which stain drove the decision ----
open(stains);
source = getTitle();
run("Integrated Gradients", "model_file=[" + stainsModel + "] target=predicted score=logit region=[whole image] region_score=mean crop_context=8 planes=current device=auto per_channel steps=32 integration=gausslegendre baseline=zero seed=1 batch_size=0");
for (i = 0; i < Table.size("Explain-IJ channels"); i++) {
	print("IG share of " + Table.getString("name", i, "Explain-IJ channels") + ": " + d2s(Table.get("share_abs", i, "Explain-IJ channels"), 6));
}
selectImage(source);
run("Channel Ablation", "model_file=[" + stainsModel + "] target=predicted score=logit region=[whole image] region_score=mean crop_context=8 planes=current device=auto");
for (i = 0; i < Table.size("Explain-IJ channels"); i++) {
	print("score drop without " + Table.getString("name", i, "Explain-IJ channels") + ": " + d2s(Table.get("mean", i, "Explain-IJ channels"), 6));
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
