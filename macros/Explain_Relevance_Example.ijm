// Explain-IJ: the relevance family on one image -- Guided Backpropagation, Deconvnet, LRP and DeepLIFT.
//
// Writes <name>_guided.tif, <name>_deconvnet.tif, <name>_lrp.tif and <name>_deeplift.tif (raw 32-bit maps,
// model, target and every parameter in their Info) and prints LRP's relevance sum and DeepLIFT's
// summation-to-delta gap. The model must expose its stages (models/explainable.py), e.g. models/cells-gap.pt.
//
// Interactive: Plugins > Macros > Run... Batch: pass "image=<file.tif> model=<file.pt> output=<folder>".
// Boolean options (show_overlay, per_channel) are ImageJ checkboxes: present means true, absent false.

arg = getArgument();
image = option(arg, "image", "");
model = option(arg, "model", "");
output = option(arg, "output", "");
if (image == "") image = File.openDialog("Image to explain");
if (model == "") model = File.openDialog("TorchScript model (.pt) with stages");
if (output == "") output = getDirectory("Folder for the results");
if (!endsWith(output, File.separator)) output = output + File.separator;

setBatchMode(true);
open(image);
source = getImageID();
name = File.nameWithoutExtension;
common = "model_file=[" + model + "] target=predicted score=logit device=auto";

run("Guided Backpropagation", common);
saveAs("Tiff", output + name + "_guided.tif");
close();
selectImage(source);
run("Deconvnet", common);
saveAs("Tiff", output + name + "_deconvnet.tif");
close();
selectImage(source);
run("LRP", common + " rule=composite epsilon=1e-6 alpha=2 beta=1");
saveAs("Tiff", output + name + "_lrp.tif");
print("LRP relevance sum " + Property.get("relevance_sum") + " of logit " + Property.get("score_value"));
close();
selectImage(source);
run("DeepLIFT", common + " baseline=blur show_overlay");
saveAs("Tiff", output + name + "_deeplift.tif");
print("DeepLIFT: attributions sum to " + Property.get("sum_of_attributions") + ", score difference " + Property.get("score_difference"));
close();
print("Explain-IJ: relevance maps of " + name + " in " + output);

// The value of key=value in a macro argument (values without spaces, or in [brackets]).
function option(text, key, fallback) {
	text = " " + text + " ";
	start = indexOf(text, " " + key + "=");
	if (start < 0) return fallback;
	start = start + lengthOf(key) + 2;
	if (substring(text, start, start + 1) == "[") return substring(text, start + 1, indexOf(text, "]", start));
	return substring(text, start, indexOf(text, " ", start));
}
