package io.github.explainij.cli;

import ij.IJ;
import ij.ImagePlus;

import io.github.explainij.ExplainException;
import io.github.explainij.command.ExplainCommands;
import io.github.explainij.render.Heatmap;

import org.scijava.Context;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandService;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code demo [--out DIR]}: explains shipped sample images with the shipped models and writes, per
 * model and image, the raw attribution (TIFF) and the overlay (PNG), plus {@code summary.csv}: the
 * prediction and the share of the saliency that falls on the ground-truth evidence mask. The shortcut
 * model puts its saliency on the scale bar, not on the cell: what explanations exist to catch.
 */
final class Demo {

	private static final String[] CLASSES = { "interphase", "mitotic", "apoptotic", "foci" };

	private Demo() {}

	static int run(final Context context, final String[] args, final PrintStream out) {
		File outDir = new File("target/demo");
		for (int i = 1; i < args.length; i++) {
			if (args[i].equals("--out") && i + 1 < args.length) outDir = new File(args[++i]);
			else throw new ExplainException("demo takes only --out DIR\n" + Main.USAGE);
		}
		final Path models = Main.repoFolder("models");
		final Path samples = Main.repoFolder("sample-data");
		final CommandInfo saliency = ExplainCommands.byName(context.service(CommandService.class), "saliency");
		final List<String> rows = new ArrayList<>();
		// share = fraction of the total |saliency| inside a mask; area = fraction of the image the mask covers.
		// share / area above 1 means the model's saliency concentrates there.
		rows.add("model,image,true_class,predicted_class,target_class,score,saliency_on_evidence,evidence_area,saliency_on_artefact,artefact_area,attribution,overlay");
		int n = 0;
		for (final String model : new String[] { "cells-gap", "cells-bn" }) {
			for (final String cls : CLASSES) {
				rows.add(explain(context, saliency, models.resolve(model + ".pt"), samples.resolve("cells"), cls + "_000", cls,
					new File(outDir, model), out));
				n++;
			}
		}
		// The shortcut model on shortcut images (with the scale bar) and on clean images of the same class.
		for (final String set : new String[] { "cells-shortcut", "cells" }) {
			for (final String image : new String[] { "mitotic_000", "interphase_000" }) {
				rows.add(explain(context, saliency, models.resolve("cells-shortcut.pt"), samples.resolve(set), image,
					image.replaceAll("_\\d+$", ""), new File(outDir, "cells-shortcut/" + set), out));
				n++;
			}
		}
		final File summary = new File(outDir, "summary.csv");
		try {
			Files.createDirectories(outDir.toPath());
			Files.write(summary.toPath(), rows, StandardCharsets.UTF_8);
		}
		catch (final IOException e) {
			throw new ExplainException("cannot write " + summary + ": " + e.getMessage());
		}
		out.println("demo: explained " + n + " images; outputs (TIFF attributions, PNG overlays, summary.csv) are in " +
			outDir.getAbsolutePath());
		return Main.OK;
	}

	private static String explain(final Context context, final CommandInfo info, final Path model, final Path set,
		final String name, final String trueClass, final File dir, final PrintStream out)
	{
		final File imageFile = set.resolve("images/" + name + ".tif").toFile();
		final ImagePlus image = Main.openImage(imageFile);
		final Main.Result r = Main.explain(context, info, image, model.toFile(), Map.of());
		final File tif = new File(dir, name + "_saliency.tif");
		final File png = new File(dir, name + "_overlay.png");
		Main.save(r.attribution, tif);
		Main.savePng(Heatmap.flatten(image), png);
		final float[] sal = (float[]) r.attribution.getProcessor().getPixels();
		final String[] evidence = share(sal, set.resolve("masks/" + name + ".tif"));
		final String[] artefact = share(sal, set.resolve("artefact-masks/" + name + ".tif"));
		out.println(String.format(Locale.ROOT, "%-17s %-29s true %-10s predicted %-10s saliency on evidence %s (area %s)%s",
			model.getFileName(), set.getFileName() + "/" + name, trueClass, r.prop("predicted_name"), evidence[0], evidence[1],
			artefact[0].isEmpty() ? "" : ", on the scale bar " + artefact[0] + " (area " + artefact[1] + ")"));
		return String.join(",", model.getFileName().toString(), set.getFileName() + "/" + name, trueClass, r.prop("predicted_name"),
			r.prop("target_name"), r.prop("score_value"), evidence[0], evidence[1], artefact[0], artefact[1], tif.getPath(), png.getPath());
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
