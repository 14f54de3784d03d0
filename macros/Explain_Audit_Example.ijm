// Explain-IJ: what rule does the model follow, and does it take a shortcut?
//
// 1. Surrogate Decision Tree: a small decision tree that mimics the model's decisions over a folder
//    (sample-data/cells with cells-gap) from plain image measurements; prints its fidelity (agreement
//    with the model) on held-out images and its first questions. The tree is drawn as the active image;
//    the table "Explain-IJ surrogate features" lists every image's measurements.
// 2. Shortcut Audit of the shortcut model (cells-shortcut on sample-data/cells-shortcut): a linear probe
//    for a nuisance read from the file names (the image number, which should NOT be readable) and the
//    scale bar pasted into every image: how often does the decision change, per class? Prints the rows
//    of the table "Explain-IJ shortcut audit".
// Batch / headless: pass "cells=<folder> model=<cells-gap.pt> shortcut=<folder> shortcut_model=<cells-shortcut.pt>
// patch=<scale-bar.tif>" as the macro argument.

arg = getArgument();
cells = option(arg, "cells", "");
model = option(arg, "model", "");
shortcut = option(arg, "shortcut", "");
shortcutModel = option(arg, "shortcut_model", "");
patch = option(arg, "patch", "");
if (cells == "") cells = getDirectory("Folder of cell images (e.g. sample-data/cells)");
if (model == "") model = File.openDialog("Classifier (.pt), e.g. cells-gap.pt");
if (shortcut == "") shortcut = getDirectory("Folder of the shortcut set (sample-data/cells-shortcut)");
if (shortcutModel == "") shortcutModel = File.openDialog("The shortcut model, cells-shortcut.pt");
if (patch == "") patch = File.openDialog("The artefact patch (a small image, e.g. a scale bar)");

// ---- 1. a readable rule that mimics the model ----
run("Surrogate Decision Tree", "model_file=[" + model + "] device=auto input_dir=[" + cells + "] max_depth=3 min_leaf=2 test_fraction=0.25 seed=7");
print("surrogate fidelity on training images: " + Property.get("fidelity_train"));
print("surrogate fidelity on held-out images: " + Property.get("fidelity_test"));
lines = split(getMetadata("Info"), "\n");
for (i = 0; i < lines.length; i++) {
	if (startsWith(lines[i], "if ")) print("first question: " + lines[i]);
}
print("features table rows: " + Table.size("Explain-IJ surrogate features"));

// ---- 2. shortcut audit: a nuisance from the file names, and the scale bar pasted at x=49, y=59 ----
run("Shortcut Audit", "model_file=[" + shortcutModel + "] device=auto input_dir=[" + shortcut + "] layer=flatten nuisance_pattern=_00(\\d) folds=5 permutations=200 seed=3 patch=[" + patch + "] x=49 y=59");
t = "Explain-IJ shortcut audit";
for (i = 0; i < Table.size(t); i++) {
	if (Table.getString("test", i, t) == "linear probe")
		print("probe " + Table.getString("group", i, t) + ": balanced accuracy " + d2s(Table.get("balanced_accuracy", i, t), 6) +
			", chance " + d2s(Table.get("chance", i, t), 6) + ", p " + d2s(Table.get("p_value", i, t), 6));
	else
		print("patch on " + Table.getString("group", i, t) + ": " + Table.get("flipped", i, t) + " of " + Table.get("n", i, t) + " flipped (" +
			Table.getString("flipped_to", i, t) + ")");
}

function option(text, key, fallback) {
	text = " " + text + " ";
	start = indexOf(text, " " + key + "=");
	if (start < 0) return fallback;
	start = start + lengthOf(key) + 2;
	if (substring(text, start, start + 1) == "[") return substring(text, start + 1, indexOf(text, "]", start));
	return substring(text, start, indexOf(text, " ", start));
}
