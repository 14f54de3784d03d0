// Explain-IJ: looking inside the network with a folder of images.
//
// 1. Dataset Search: which images of the folder make one channel of a layer respond most, and the
//    patch of each image that the channel's strongest position sees (its receptive field), as a stack;
//    table "Explain-IJ dataset search" (rank, file, label, x, y, activation, patch_x0 .. patch_y1).
// 2. Nearest Examples: the images of the folder that the network sees as most like one image;
//    table "Explain-IJ nearest examples" (rank, file, label, distance) and a stack of the images.
// 3. Activation Space: every image of the (labelled) folder as a point, by the first two principal
//    components of a layer's activations averaged over space; a plot coloured by label and table
//    "Explain-IJ activation space" (file, label, pc1, pc2).
// Batch / headless: pass "folder=<folder of images> model=<cells-gap.pt> query=<image.tif>
// layer=relu3 channel=7" as the macro argument (layer and channel are optional).

arg = getArgument();
folder = option(arg, "folder", "");
model = option(arg, "model", "");
query = option(arg, "query", "");
layer = option(arg, "layer", "relu3");
channel = option(arg, "channel", "7");
if (folder == "") folder = getDirectory("Folder of images (labelled: a labels.csv or one sub-folder per class)");
if (model == "") model = File.openDialog("Model (.pt), e.g. cells-gap.pt");
if (query == "") query = File.openDialog("An image to find the nearest examples of");

// ---- 1. the images that drive one channel most ----
run("Dataset Search", "model_file=[" + model + "] device=auto input_dir=[" + folder + "] layer=" + layer + " channel=" + channel + " top=4");
print("dataset search: " + nSlices + " patches of " + getWidth() + "x" + getHeight());
t = "Explain-IJ dataset search";
for (i = 0; i < Table.size(t); i++) {
	print("hit " + Table.get("rank", i, t) + ": " + Table.getString("file", i, t) + " at (" + Table.get("x", i, t) + ", " +
		Table.get("y", i, t) + ") = " + d2s(Table.get("activation", i, t), 6));
}

// ---- 2. the images most like this one ----
open(query);
run("Nearest Examples", "model_file=[" + model + "] device=auto input_dir=[" + folder + "] layer=relu3 metric=cosine k=5 pool=none");
t = "Explain-IJ nearest examples";
for (i = 0; i < Table.size(t); i++) {
	print("neighbour " + Table.get("rank", i, t) + ": " + Table.getString("file", i, t) + " (" + Table.getString("label", i, t) +
		") distance " + d2s(Table.get("distance", i, t), 8));
}

// ---- 3. the folder in the layer's activation space ----
run("Activation Space", "model_file=[" + model + "] device=auto input_dir=[" + folder + "] layer=relu3");
t = "Explain-IJ activation space";
for (i = 0; i < Table.size(t); i++) {
	print("point " + Table.getString("file", i, t) + " (" + Table.getString("label", i, t) + "): " + d2s(Table.get("pc1", i, t), 6) +
		", " + d2s(Table.get("pc2", i, t), 6));
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
