// Explain-IJ: which channels outline a concept, and which training images drive a decision.
//
// 1. Network Dissection: over a folder with concept masks (images/ and masks/, same file names; the
//    sample data's evidence masks qualify), ranks the channels of a layer by how well each, thresholded
//    at its top 0.5 % of activations, overlaps the concept (IoU). Table "Explain-IJ dissection"; the
//    montage shows the best units (red: where the unit fires, green: the concept's outline).
// 2. Influential Training Images: for one image, the influence of each labelled training image on its
//    prediction (TracIn on the final layer). Table "Explain-IJ influential examples", most helpful
//    first, most harmful last; the montage shows both (green and magenta frames).
// Batch / headless: pass "model=<cells-gap.pt> folder=<sample-data/cells> image=<a cell image>" as the
// macro argument.

arg = getArgument();
model = option(arg, "model", "");
folder = option(arg, "folder", "");
image = option(arg, "image", "");
if (model == "") model = File.openDialog("Classifier (.pt), e.g. cells-gap.pt");
if (folder == "") folder = getDirectory("Labelled folder with images/ and masks/, e.g. sample-data/cells");
if (image == "") image = File.openDialog("An image to explain");

// ---- 1. network dissection of relu3 over the folder ----
run("Network Dissection", "model_file=[" + model + "] input_dir=[" + folder + "] layer=relu3 quantile=0.005 units=8 device=auto");
print("dissection montage: " + getTitle() + ", " + getWidth() + "x" + getHeight());
t = "Explain-IJ dissection";
for (i = 0; i < 3; i++) {
	print("rank " + Table.get("rank", i, t) + ": channel " + Table.get("channel", i, t) + " threshold " +
		d2s(Table.get("threshold", i, t), 6) + " IoU " + d2s(Table.get("iou", i, t), 9) + " best on " + Table.getString("best_image", i, t));
}

// ---- 2. the training images behind this image's prediction ----
open(image);
run("Influential Training Images", "model_file=[" + model + "] input_dir=[" + folder + "] top=3 device=auto");
print("predicted: " + Property.get("predicted"));
t = "Explain-IJ influential examples";
n = Table.size(t);
for (i = 0; i < n; i++) {
	if (Table.getString("marked", i, t) != "")
		print(Table.getString("marked", i, t) + ": " + Table.getString("file", i, t) + " (" + Table.getString("label", i, t) +
			") influence " + d2s(Table.get("influence", i, t), 9));
}

function option(text, key, fallback) {
	text = " " + text + " ";
	start = indexOf(text, " " + key + "=");
	if (start < 0) return fallback;
	start = start + lengthOf(key) + 2;
	if (substring(text, start, start + 1) == "[") return substring(text, start + 1, indexOf(text, "]", start));
	return substring(text, start, indexOf(text, " ", start));
}
