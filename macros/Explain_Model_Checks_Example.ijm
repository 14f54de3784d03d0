// Explain-IJ: checks that need the model itself (Plugins > Explain-IJ > Evaluate).
//
// 1. Sanity Check (Model Randomization): are the saliency maps of an image tied to what the model
//    learned? The weights are randomized stage by stage from the top (in memory; the model file is
//    only read) and each map is compared with the original: table "Explain-IJ sanity check", a stack
//    of maps, and the verdict as a property of the stack.
// 2. Unit Ablation: what one channel of the layer relu2 contributes over a labelled folder (table
//    "Explain-IJ unit ablation": accuracy and each class's mean score, and their change).
// 3. ROAR: remove the half of the pixels that saliency ranks highest in every image, retrain the model
//    (one epoch here, to be quick; use 20 or more for real) and test it, against random removal.
// Batch / headless: pass "image=<cell.tif> folder=<labelled folder> model=<cells-gap.pt>" as the macro argument
// (and "roar_folder=<a smaller labelled folder>" to run ROAR on fewer images).

arg = getArgument();
image = option(arg, "image", "");
folder = option(arg, "folder", "");
model = option(arg, "model", "");
if (image == "") image = File.openDialog("A cell image");
if (folder == "") folder = getDirectory("A labelled folder (images/ and labels.csv, or one sub-folder per class)");
if (model == "") model = File.openDialog("Classifier (.pt), e.g. cells-gap.pt");
roarFolder = option(arg, "roar_folder", folder);

// ---- 1. sanity check of saliency ----
open(image);
run("Sanity Check (Model Randomization)", "model_file=[" + model + "] device=auto method=saliency method_parameters=[] target=predicted seed=3");
t = "Explain-IJ sanity check";
for (i = 0; i < Table.size(t); i++) {
	print("randomized " + Table.getString("randomized", i, t) + ": spearman " + d2s(Table.get("spearman_abs", i, t), 6) +
		", ssim " + d2s(Table.get("ssim_abs", i, t), 6));
}
print("maps: " + nSlices + " slices; " + Property.get("verdict"));

// ---- 2. unit ablation: channel 5 of relu2 ----
run("Unit Ablation", "model_file=[" + model + "] device=auto input_dir=[" + folder + "] layer=relu2 channel=5");
t = "Explain-IJ unit ablation";
print("ablation accuracy " + d2s(Table.get("accuracy", 0, t), 6) + ", without channel 5 " + d2s(Table.get("accuracy", 1, t), 6) +
	", mitotic score change " + d2s(Table.get("score_change_mitotic", 1, t), 6));

// ---- 3. ROAR with saliency ----
run("ROAR and KAR (Retraining)", "model_file=[" + model + "] device=auto input_dir=[" + roarFolder + "] methods=saliency fractions=0.5 mode=roar initial_weights=random epochs=1 optimizer=adam learning_rate=0.01 batch_size=8 seed=2");
t = "Explain-IJ ROAR";
for (i = 0; i < Table.size(t); i++) {
	print("roar " + Table.getString("method", i, t) + " at " + Table.get("fraction", i, t) + ": accuracy " + d2s(Table.get("accuracy", i, t), 6));
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
