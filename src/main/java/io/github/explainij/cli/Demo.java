package io.github.explainij.cli;

import ij.IJ;
import ij.ImagePlus;

import io.github.explainij.ExplainException;
import io.github.explainij.command.AnalysisResults;
import io.github.explainij.command.ExplainCommands;
import io.github.explainij.render.Figures;
import io.github.explainij.render.Heatmap;

import org.scijava.Context;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandService;

import java.io.File;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code demo [--out DIR]}: explains shipped sample images (the four classes, and two images of the
 * shortcut set, whose mitotic cells carry a scale bar) with each shipped model, and writes
 * <pre>
 * DIR/overview.png                          every image, each model's prediction and saliency map with its colour bar
 * DIR/summary.csv                           per model and image: prediction, share of saliency on the evidence (and scale bar)
 * DIR/&lt;model&gt;/&lt;set&gt;_&lt;image&gt;_saliency.tif  the raw attribution
 * DIR/&lt;model&gt;/&lt;set&gt;_&lt;image&gt;_overlay.png   the overlay figure (enlarged, colour bar, title)
 * DIR/segmentation/...                      the segmentation model (cells-unet): Grad-CAM of every object of a labelled image, and its table
 * DIR/stains/...                            the two-channel model (cells-2ch): which stain drove the decision (per-channel IG, channel ablation)
 * DIR/inside/...                            inside cells-gap: feature maps, first-layer filters, a class model of foci, network dissection
 * DIR/evaluation/...                        the shortcut model audited (a pasted scale bar flips interphase to mitotic) and three
 *                                           methods compared on its data (faithfulness, localization, class sensitivity, randomization)
 * </pre>
 * The shortcut model puts its saliency on the scale bar, not on the cell: what explanations exist to catch.
 */
final class Demo {

	private static final String[] MODELS = { "cells-gap", "cells-bn", "cells-shortcut" };

	/** {set, image name}: the four classes, then the shortcut set's mitotic image (with the bar) and an interphase one. */
	private static final String[][] IMAGES = { { "cells", "interphase_000" }, { "cells", "mitotic_000" }, { "cells", "apoptotic_000" },
		{ "cells", "foci_000" }, { "cells-shortcut", "mitotic_000" }, { "cells-shortcut", "interphase_000" } };

	/** Panels of the overview: 64-pixel samples shown at 3x. */
	private static final int PANEL = 192;

	private Demo() {}

	static int run(final Context context, final String[] args, final PrintStream out) {
		File outDir = new File("target/demo");
		for (int i = 1; i < args.length; i++) {
			if (args[i].equals("--help") || args[i].equals("-h")) {
				out.println("usage: java -jar explain-ij.jar demo [--out DIR]   (default DIR: target/demo)");
				return Main.OK;
			}
			if (args[i].equals("--out") && i + 1 < args.length) outDir = new File(args[++i]);
			else throw new ExplainException("demo takes only --out DIR, not " + args[i] + DidYouMean.hint(args[i], List.of("--out"), ""));
		}
		final Path models = Main.repoFolder("models");
		final Path samples = Main.repoFolder("sample-data");
		final CommandInfo saliency = ExplainCommands.byName(context.service(CommandService.class), "saliency");
		final List<String> rows = new ArrayList<>();
		// share = fraction of the total |saliency| inside a mask; area = fraction of the image the mask covers.
		// share / area above 1 means the model's saliency concentrates there.
		rows.add("model,image,true_class,predicted_class,target_class,score,saliency_on_evidence,evidence_area,saliency_on_artefact,artefact_area,attribution,overlay");
		final List<List<Figures.Panel>> grid = new ArrayList<>();
		for (final String[] setAndName : IMAGES) {
			final Path set = samples.resolve(setAndName[0]);
			final String name = setAndName[1];
			final String trueClass = name.replaceAll("_\\d+$", "");
			final List<Figures.Panel> row = new ArrayList<>();
			row.add(Figures.panel(Main.openImage(set.resolve("images/" + name + ".tif").toFile()), null, PANEL, setAndName[0] + "/" + name,
				"true class: " + trueClass));
			for (final String model : MODELS) {
				final ImagePlus image = Main.openImage(set.resolve("images/" + name + ".tif").toFile());
				final Main.Result r = explain(context, saliency, models.resolve(model + ".pt"), set, name, trueClass, image,
					new File(outDir, model), rows, out);
				final String predicted = r.prop("predicted_name");
				row.add(Figures.panel(image, r.prop("method"), PANEL, model, "predicted " + predicted + (predicted.equals(trueClass) ? "" : " (wrong)")));
			}
			grid.add(row);
		}
		final File summary = new File(outDir, "summary.csv");
		final File overview = new File(outDir, "overview.png");
		Outputs.text(rows, summary.toPath());
		Outputs.png(Figures.grid("Saliency (|d logit / d pixel|) of the predicted class, per model", grid,
			Heatmap.legend(false) + "; clear where near zero; each map has its own scale. cells-shortcut learned the scale bar of its mitotic training images."),
			overview.toPath());
		objects(context, models, samples, new File(outDir, "segmentation"), out);
		stains(context, models, samples, new File(outDir, "stains"), out);
		inside(context, models, samples, new File(outDir, "inside"), out);
		evaluation(context, models, samples, new File(outDir, "evaluation"), out);
		out.println("demo: explained " + (rows.size() - 1) + " images; overview: " + overview.getAbsolutePath());
		out.println("demo: outputs (overview.png, summary.csv, <model>/<set>_<image>_saliency.tif and _overlay.png, segmentation/, " +
			"stains/, inside/, evaluation/) are in " + outDir.getAbsolutePath());
		return Main.OK;
	}

	private static Main.Result explain(final Context context, final CommandInfo info, final Path model, final Path set, final String name,
		final String trueClass, final ImagePlus image, final File dir, final List<String> rows, final PrintStream out)
	{
		final Main.Result r = Main.explain(context, info, image, model.toFile(), Map.of());
		final String stem = set.getFileName() + "_" + name;
		final File tif = new File(dir, stem + "_saliency.tif");
		final File png = new File(dir, stem + "_overlay.png");
		Outputs.tiff(r.attribution, tif.toPath());
		Outputs.png(r.figure(image), png.toPath());
		final float[] sal = (float[]) r.attribution.getProcessor().getPixels();
		final String[] evidence = share(sal, set.resolve("masks/" + name + ".tif"));
		final String[] artefact = share(sal, set.resolve("artefact-masks/" + name + ".tif"));
		out.println(String.format(Locale.ROOT, "%-17s %-29s true %-10s predicted %-10s saliency on evidence %s (area %s)%s",
			model.getFileName(), set.getFileName() + "/" + name, trueClass, r.prop("predicted_name"), evidence[0], evidence[1],
			artefact[0].isEmpty() ? "" : ", on the scale bar " + artefact[0] + " (area " + artefact[1] + ")"));
		rows.add(String.join(",", model.getFileName().toString(), set.getFileName() + "/" + name, trueClass, r.prop("predicted_name"),
			r.prop("target_name"), r.prop("score_value"), evidence[0], evidence[1], artefact[0], artefact[1], tif.getPath(), png.getPath()));
		return r;
	}

	/**
	 * The segmentation model on a cell with visible neighbours: Grad-CAM (the decoder's last layer) of each
	 * labelled object's predicted class over the object, one slice per object, and the per-object table.
	 */
	private static void objects(final Context context, final Path models, final Path samples, final File dir, final PrintStream out) {
		final String name = "mitotic_005";
		final Path labels = samples.resolve("cells/labels/" + name + ".tif");
		final ImagePlus image = Main.openImage(samples.resolve("cells/images/" + name + ".tif").toFile());
		final Main.Result r = Main.explain(context, ExplainCommands.byName(context.service(CommandService.class), "grad-cam"), image,
			models.resolve("cells-unet.pt").toFile(), Map.of("region", "label image", "label_image", labels.toString(), "layer", "relu6"));
		final File tif = new File(dir, name + "_gradcam_per_object.tif"), csv = new File(dir, name + "_objects.csv");
		Outputs.tiff(r.attribution, tif.toPath());
		Outputs.table(r.table, csv.toPath());
		Outputs.png(r.figure(image), new File(dir, name + "_overlay.png").toPath());
		for (int i = 0; i < r.table.size(); i++) {
			out.println(String.format(Locale.ROOT, "%-17s %-29s object %-9s predicted %-10s Grad-CAM inside the object %.3f", "cells-unet.pt",
				"cells/" + name, r.table.getStringValue("name", i), r.table.getStringValue("class_name", i), r.table.getValue("share_inside", i)));
		}
	}

	/** The two-channel model on a marker-positive cell: per-channel Integrated Gradients (32 steps) and channel ablation. */
	private static void stains(final Context context, final Path models, final Path samples, final File dir, final PrintStream out) {
		final String name = "cytoplasmic_002";
		final CommandService commands = context.service(CommandService.class);
		final File model = models.resolve("cells-2ch.pt").toFile();
		final Main.Result ig = Main.explain(context, ExplainCommands.byName(commands, "integrated-gradients"),
			Main.openImage(samples.resolve("stains/images/" + name + ".tif").toFile()), model, Map.of("per_channel", "true", "steps", "32"));
		final Main.Result ablation = Main.explain(context, ExplainCommands.byName(commands, "channel-ablation"),
			Main.openImage(samples.resolve("stains/images/" + name + ".tif").toFile()), model, Map.of());
		Outputs.tiff(ig.attribution, new File(dir, name + "_ig_per_channel.tif").toPath());
		Outputs.table(ig.table, new File(dir, name + "_ig_channels.csv").toPath());
		Outputs.table(ablation.table, new File(dir, name + "_channel_ablation.csv").toPath());
		for (int i = 0; i < ig.table.size(); i++) {
			out.println(String.format(Locale.ROOT, "%-17s %-29s predicted %-11s channel %-7s IG share %.3f, score drop without it %.3f",
				"cells-2ch.pt", "stains/" + name, ig.prop("predicted_name"), ig.table.getStringValue("name", i), ig.table.getValue("share_abs", i),
				ablation.table.getValue("mean", i)));
		}
	}

	/**
	 * Inside cells-gap: the feature maps of relu1 for a mitotic cell (with a montage), the first layer's
	 * filters, a class model of "foci" (activation maximization, Fourier parameterization) and network
	 * dissection of relu3 against the sample cells' evidence masks.
	 */
	private static void inside(final Context context, final Path models, final Path samples, final File dir, final PrintStream out) {
		final File gap = models.resolve("cells-gap.pt").toFile();
		final AnalysisResults maps = analysis(context, "feature-maps", samples.resolve("cells/images/mitotic_000.tif"), gap,
			Map.of("layer", "relu1", "montage", "true"), new File(dir, "mitotic_000_feature-maps_relu1.tif"));
		int dead = 0;
		for (int i = 0; i < maps.table().size(); i++) if (maps.table().getValue("fraction_zero", i) == 1) dead++;
		out.println(String.format(Locale.ROOT, "%-17s %-29s feature maps of relu1: %d channels, %d of them zero everywhere on this image",
			"cells-gap.pt", "cells/mitotic_000", maps.table().size(), dead));
		analysis(context, "filters", null, gap, Map.of("layer", "conv1"), new File(dir, "filters_conv1.tif"));
		final AnalysisResults model = analysis(context, "activation-max", samples.resolve("cells/images/mitotic_000.tif"), gap,
			Map.of("objective", "class", "target", "foci", "steps", "60", "step_size", "0.5", "parameterization", "fft", "jitter", "2",
				"init", "noise", "seed", "1"), new File(dir, "class_model_foci.tif"));
		out.println(String.format(Locale.ROOT, "%-17s %-29s class model of foci: logit %s -> %s in 60 steps", "cells-gap.pt", "(from noise)",
			model.properties().get("objective_start"), model.properties().get("objective_end")));
		final AnalysisResults dissect = analysis(context, "dissect", null, gap, Map.of("input_dir", samples.resolve("cells").toString(),
			"layer", "relu3"), new File(dir, "dissect_relu3.tif"));
		out.println(String.format(Locale.ROOT, "%-17s %-29s network dissection of relu3: best unit %d, IoU %.3f with the evidence masks",
			"cells-gap.pt", "sample-data/cells", (int) dissect.table().getValue("channel", 0), dissect.table().getValue("iou", 0)));
	}

	/**
	 * The shortcut model audited: the scale bar of one of its mitotic training images is cut out and pasted
	 * into every image of its data; and saliency, Grad-CAM and Integrated Gradients compared on 8 of its
	 * images against the evidence masks.
	 */
	private static void evaluation(final Context context, final Path models, final Path samples, final File dir, final PrintStream out) {
		final File shortcut = models.resolve("cells-shortcut.pt").toFile();
		final Path set = samples.resolve("cells-shortcut");
		// the scale bar: the bounding box of the artefact mask of one mitotic image, cut from that image
		final ImagePlus bar = Main.openImage(set.resolve("images/mitotic_000.tif").toFile());
		final ImagePlus barMask = Main.openImage(set.resolve("artefact-masks/mitotic_000.tif").toFile());
		int x0 = Integer.MAX_VALUE, y0 = Integer.MAX_VALUE, x1 = -1, y1 = -1;
		for (int y = 0; y < barMask.getHeight(); y++) {
			for (int x = 0; x < barMask.getWidth(); x++) {
				if (barMask.getProcessor().getf(x, y) == 0) continue;
				x0 = Math.min(x0, x);
				y0 = Math.min(y0, y);
				x1 = Math.max(x1, x);
				y1 = Math.max(y1, y);
			}
		}
		bar.setRoi(x0, y0, x1 - x0 + 1, y1 - y0 + 1);
		final ImagePlus patch = bar.crop();
		final File patchFile = new File(dir, "scale_bar_patch.tif");
		Outputs.tiff(patch, patchFile.toPath());
		final AnalysisResults audit = analysis(context, "shortcut-audit", null, shortcut, Map.of("input_dir", set.toString(),
			"patch", patchFile.toString(), "x", Integer.toString(x0), "y", Integer.toString(y0)), new File(dir, "shortcut_audit.tif"));
		out.println(String.format(Locale.ROOT, "%-17s %-29s scale bar pasted at (%d, %d): %.0f%% of the images change their decision, " +
			"%s class(es) flagged (evaluation/shortcut_audit_report.md)", "cells-shortcut.pt", "sample-data/cells-shortcut", x0, y0,
			100 * Double.parseDouble(audit.properties().get("flip_rate")), audit.properties().get("flags")));
		final AnalysisResults compare = analysis(context, "compare", null, shortcut, Map.of("input_dir", set.toString(),
			"methods", "saliency,grad-cam,integrated-gradients", "method_parameters", "integrated-gradients.steps=16", "steps", "10",
			"max_images", "8"), new File(dir, "compare.tif"));
		for (int i = 0; i < compare.table().size(); i++) {
			final double randomized = compare.table().getValue("randomized_spearman_mean", i);
			out.println(String.format(Locale.ROOT, "%-17s %-29s %-21s deletion AUC %.3f, pointing game %.2f, randomized Spearman %s",
				"cells-shortcut.pt", "compare (8 images)", compare.table().getStringValue("method", i),
				compare.table().getValue("deletion_auc_mean", i), compare.table().getValue("pointing_game_mean", i),
				Double.isNaN(randomized) ? "n/a (no model)" : String.format(Locale.ROOT, "%.2f", randomized)));
		}
	}

	/** Runs an inside-the-network or evaluation command and writes its files beside {@code main}. */
	private static AnalysisResults analysis(final Context context, final String name, final Path image, final File model,
		final Map<String, String> params, final File main)
	{
		final AnalysisResults r = Analyses.analyse(context, ExplainCommands.commandByName(context.service(CommandService.class), name),
			image == null ? null : Main.openImage(image.toFile()), model, params);
		final Path table = main.toPath().toAbsolutePath().resolveSibling(Main.baseName(main) + ".csv");
		for (final Analyses.Output f : Analyses.files(r, main.toPath(), table).values()) f.write.get();
		return r;
	}

	/** {share of total |saliency| inside a mask, share of the image the mask covers}; empty without a mask file. */
	private static String[] share(final float[] saliency, final Path maskFile) {
		final String[] none = { "", "" };
		if (!Files.isRegularFile(maskFile)) return none;
		final ImagePlus mask = IJ.openImage(maskFile.toString());
		if (mask == null) return none;
		double inside = 0, total = 0;
		int area = 0;
		for (int i = 0; i < saliency.length; i++) {
			final double v = Math.abs(saliency[i]);
			total += v;
			if (mask.getProcessor().getf(i) > 0) {
				inside += v;
				area++;
			}
		}
		return new String[] { total > 0 ? String.format(Locale.ROOT, "%.3f", inside / total) : "",
			String.format(Locale.ROOT, "%.3f", (double) area / saliency.length) };
	}
}
