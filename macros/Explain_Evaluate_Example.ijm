// Explain-IJ: putting numbers on explanations (Plugins > Explain-IJ > Evaluate).
//
// 1. Deletion: removes the pixels saliency and Grad-CAM rank highest first, in 20 steps, and plots the
//    class score after each step against a random order (table "Explain-IJ deletion"; the areas under
//    the curves are image properties auc_<method>: lower is more faithful).
// 2. Localization: compares the saliency map with the evidence mask of the image (pointing game, mass
//    and rank accuracy, share inside; table "Explain-IJ localization"), then, on the shortcut model,
//    with a selection drawn on the burned-in scale bar: the model looks at the bar.
// 3. Class sensitivity: the maps of the predicted class and the runner-up, their correlation and
//    their difference image.
// 4. Compare Methods over a folder (a few images): one table of means with 95% intervals, figures and
//    a Markdown report.
// Batch / headless: pass "repo=<the Explain-IJ folder with models/ and sample-data/>" as the argument.

arg = getArgument();
repo = option(arg, "repo", "");
if (repo == "") repo = getDirectory("The Explain-IJ folder (with models/ and sample-data/)");
if (!endsWith(repo, "/")) repo = repo + "/";
gap = repo + "models/cells-gap.pt";
shortcut = repo + "models/cells-shortcut.pt";

// ---- 1. deletion curves of two methods against random ----
open(repo + "sample-data/cells/images/mitotic_000.tif");
cells = getImageID();
run("Deletion and Insertion", "model_file=[" + gap + "] method=saliency method_parameters=[grad-cam.layer=relu3] score=logit target=predicted methods=[saliency,grad-cam] mode=deletion steps=20 fill=zero unit=pixel segments=50 repeats=2 seed=7 device=auto");
print("deletion AUC saliency: " + Property.get("auc_saliency"));
print("deletion AUC grad-cam: " + Property.get("auc_grad-cam"));
print("deletion AUC random: " + Property.get("auc_random"));
print("deletion table rows: " + Table.size("Explain-IJ deletion"));

// ---- 2. localization against the evidence mask, then against a selection on the scale bar ----
selectImage(cells);
run("Localization", "model_file=[" + gap + "] method=saliency score=logit target=predicted mask=[" + repo + "sample-data/cells/masks/mitotic_000.tif] device=auto");
print("rank accuracy on the evidence: " + d2s(Table.get("rank_accuracy", 0, "Explain-IJ localization"), 6));
print("mass accuracy on the evidence: " + d2s(Table.get("mass_accuracy", 0, "Explain-IJ localization"), 6));
open(repo + "sample-data/cells-shortcut/images/mitotic_001.tif");
makeRectangle(49, 59, 12, 2);
run("Localization", "model_file=[" + shortcut + "] method=saliency score=logit target=predicted device=auto");
print("shortcut model, pointing game on the scale bar: " + Property.get("pointing_game"));
print("shortcut model, rank accuracy on the scale bar: " + d2s(Table.get("rank_accuracy", 0, "Explain-IJ localization"), 6));

// ---- 3. class sensitivity ----
selectImage(cells);
run("Class Sensitivity", "model_file=[" + gap + "] method=saliency score=logit class_a=predicted class_b=second device=auto");
print("class sensitivity " + Property.get("class_a") + " vs " + Property.get("class_b") + ": spearman " + Property.get("spearman") + ", pearson " + Property.get("pearson"));

// ---- 4. compare methods over a folder (4 images, to be quick) ----
run("Compare Methods", "model_file=[" + gap + "] input_dir=[" + repo + "sample-data/cells] methods=[saliency,grad-cam] method=saliency score=logit target=predicted metrics=[deletion,localization] steps=5 fill=zero max_images=4 seed=0 device=auto");
for (i = 0; i < Table.size("Explain-IJ comparison"); i++) {
	print("compare " + Table.getString("method", i, "Explain-IJ comparison") + ": deletion AUC " + d2s(Table.get("deletion_auc_mean", i, "Explain-IJ comparison"), 4) +
		", rank accuracy " + d2s(Table.get("rank_accuracy_mean", i, "Explain-IJ comparison"), 4));
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
