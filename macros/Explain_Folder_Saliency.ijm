// Explain-IJ: a saliency map for every TIFF in a folder.
//
// For each image it writes <name>_saliency.tif (the raw 32-bit map, with the model, target and every
// parameter in its Info) and <name>_overlay.png (the image with the heatmap overlay burnt in), and a
// results table saliency_summary.csv (image, predicted class, explained class, score).
//
// Interactive: Plugins > Macros > Run..., then choose the folders and the model.
// Batch / headless: pass "input=<folder> model=<file.pt> output=<folder> [target=predicted] [score=logit]"
// as the macro argument, e.g. ImageJ-linux64 --headless -macro Explain_Folder_Saliency.ijm "input=..."
//
// Boolean options (absolute, show_overlay) are ImageJ checkboxes: present means true, absent false.

arg = getArgument();
input = option(arg, "input", "");
model = option(arg, "model", "");
output = option(arg, "output", "");
target = option(arg, "target", "predicted");
score = option(arg, "score", "logit");
if (input == "") input = getDirectory("Folder with images to explain");
if (model == "") model = File.openDialog("TorchScript model (.pt)");
if (output == "") output = getDirectory("Folder for the results");
if (!endsWith(input, File.separator)) input = input + File.separator;
if (!endsWith(output, File.separator)) output = output + File.separator;
File.makeDirectory(output);

setBatchMode(true);
files = getFileList(input);
row = 0;
for (i = 0; i < files.length; i++) {
	if (!(endsWith(files[i], ".tif") || endsWith(files[i], ".tiff"))) continue;
	open(input + files[i]);
	source = getImageID();
	name = File.nameWithoutExtension;
	run("Saliency Map", "model_file=[" + model + "] target=[" + target + "] score=" + score + " device=auto show_overlay absolute");
	// the attribution image is now the active image
	saveAs("Tiff", output + name + "_saliency.tif");
	predicted = Property.get("predicted_name");
	explained = Property.get("target_name");
	scoreValue = Property.get("score_value");
	close();
	selectImage(source);
	run("Flatten");
	saveAs("PNG", output + name + "_overlay.png");
	close();
	selectImage(source);
	close();
	setResult("image", row, files[i]);
	setResult("predicted", row, predicted);
	setResult("explained", row, explained);
	setResult(score, row, scoreValue);
	row++;
}
saveAs("Results", output + "saliency_summary.csv");
print("Explain-IJ: explained " + row + " images; results in " + output);

// The value of key=value in a macro argument (values without spaces, or in [brackets]).
function option(text, key, fallback) {
	text = " " + text + " ";
	start = indexOf(text, " " + key + "=");
	if (start < 0) return fallback;
	start = start + lengthOf(key) + 2;
	if (substring(text, start, start + 1) == "[") return substring(text, start + 1, indexOf(text, "]", start));
	return substring(text, start, indexOf(text, " ", start));
}
