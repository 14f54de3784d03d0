package io.github.explainij.evaluate;

import io.github.explainij.method.AttributionMethod;
import io.github.explainij.method.ExplainRequest;

import java.util.List;
import java.util.function.IntFunction;

/**
 * One evaluation of a method's map on one image, as {@link ComparisonReport} runs it for every method on
 * every image of a folder: its columns, their values for one image, and what they mean. Adding a metric
 * to the comparison means one class implementing this (e.g. a randomization sanity check).
 */
public interface ImageMetric {

	/** What a metric sees of one image and one method. */
	final class Input {

		/** The question: network, image, target class, score. */
		public final ExplainRequest request;
		/** The method (null for the random baseline, whose maps are drawn, not computed). */
		public final AttributionMethod method;
		/** The method's map for the request's target, row-major [H * W]. */
		public final float[] map;
		/** The ground-truth mask (true inside), or null when the image has none. */
		public final boolean[] mask;
		/** The method's map for another class of the same image (by class index), computed on demand. */
		public final IntFunction<float[]> mapOfClass;

		public Input(final ExplainRequest request, final AttributionMethod method, final float[] map, final boolean[] mask,
			final IntFunction<float[]> mapOfClass)
		{
			this.request = request;
			this.method = method;
			this.map = map;
			this.mask = mask;
			this.mapOfClass = mapOfClass;
		}
	}

	/** The column names, e.g. "deletion_auc". */
	List<String> columns();

	/** The values for one image and method, in the order of {@link #columns()}; NaN where undefined for this image. */
	double[] measure(Input input);

	/** What the numbers mean, in two or three sentences for a report. */
	String meaning();

	/** Deletion or insertion AUC of the map's order. */
	static ImageMetric curve(final DeletionCurve curve) {
		final String mode = curve.mode().key();
		return new ImageMetric() {

			@Override
			public List<String> columns() {
				return List.of(mode + "_auc");
			}

			@Override
			public double[] measure(final Input in) {
				return new double[] { curve.of(in.request, in.map, null).auc };
			}

			@Override
			public String meaning() {
				return curve.mode() == DeletionCurve.Mode.DELETION
					? "Deletion AUC: the area under the target score as the pixels the map ranks highest are replaced by the fill (" +
						curve.fill() + ") in " + curve.steps() + " steps. Lower is better: a faithful map names the pixels whose removal " +
						"destroys the score first. Compare with the random baseline; values are in score units."
					: "Insertion AUC: the area under the target score as the pixels the map ranks highest are put back into the fill " +
						"image (" + curve.fill() + ") in " + curve.steps() + " steps. Higher is better: a faithful map restores the " +
						"score with few pixels. Compare with the random baseline; values are in score units.";
			}
		};
	}

	/** The four localization scores against the image's mask (NaN for an image without mask pixels). */
	static ImageMetric localization() {
		return new ImageMetric() {

			@Override
			public List<String> columns() {
				return List.of(Localization.METRICS);
			}

			@Override
			public double[] measure(final Input in) {
				boolean any = false;
				if (in.mask != null) for (final boolean b : in.mask) any |= b;
				if (!any) return new double[] { Double.NaN, Double.NaN, Double.NaN, Double.NaN };
				return Localization.of(in.map, in.mask).values();
			}

			@Override
			public String meaning() {
				return "Localization against the ground-truth masks (Arras et al.): pointing_game is the share of images whose map " +
					"maximum lies inside the mask; mass_accuracy the share of positive attribution inside; rank_accuracy the share of the " +
					"top-ranked pixels (as many as the mask has) inside; share_inside the share of |attribution| inside. 1 is perfect; " +
					"a map that ignores the mask scores about the mask's share of the image (see the random baseline).";
			}
		};
	}

	/** Spearman and Pearson correlation of the target's map with the runner-up class's map. */
	static ImageMetric classSensitivity() {
		return new ImageMetric() {

			@Override
			public List<String> columns() {
				return List.of("class_spearman", "class_pearson");
			}

			@Override
			public double[] measure(final Input in) {
				final float[] scores = in.request.classScores();
				final int first = in.request.targetClass();
				int second = -1;
				for (int k = 0; k < scores.length; k++) if (k != first && (second < 0 || scores[k] > scores[second])) second = k;
				if (second < 0) return new double[] { Double.NaN, Double.NaN };
				final ClassSensitivity.Result r = ClassSensitivity.of(in.map, in.mapOfClass.apply(second));
				return new double[] { r.spearman, r.pearson };
			}

			@Override
			public String meaning() {
				return "Class sensitivity: the rank (Spearman) and linear (Pearson) correlation between the map of the explained class " +
					"and the map of the runner-up class on the same image. Lower is better: near 1, the map shows the image rather than " +
					"the reason for the decision; a constant map gives no value.";
			}
		};
	}

	/**
	 * The randomization sanity check (Adebayo et al.) of the method on this image: Spearman and SSIM (of
	 * absolute values) between the map and the map after every stage of a private copy of the model was
	 * re-initialized, from the top ({@link SanityCheck}). NaN for the random baseline, which has no model.
	 *
	 * @param model the model file: each measurement loads its own private copy (the file is only read)
	 */
	static ImageMetric randomization(final java.nio.file.Path model, final ai.djl.Device device, final long seed) {
		return new ImageMetric() {

			@Override
			public List<String> columns() {
				return List.of("randomized_spearman", "randomized_ssim");
			}

			@Override
			public double[] measure(final Input in) {
				if (in.method == null) return new double[] { Double.NaN, Double.NaN };
				try (io.github.explainij.model.Network copy = io.github.explainij.model.Network.loadPrivate(model, device)) {
					final SanityCheck check = SanityCheck.run(copy, in.method, in.request.image(),
						io.github.explainij.target.TargetSpec.index(in.request.targetClass()), in.request.score(), seed,
						io.github.explainij.method.Progress.NONE);
					final SanityCheck.Step last = check.steps().get(check.steps().size() - 1);
					return new double[] { last.spearmanAbs, last.ssimAbs };
				}
			}

			@Override
			public String meaning() {
				return "Randomization check (Adebayo et al.): the rank correlation (Spearman) and structural similarity (SSIM) of the " +
					"absolute map with the same method's map after every weight of the model was replaced by random values, stage by " +
					"stage from the top. Lower is better: a map that stays similar does not depend on what the model learned (the " +
					"sanity-check command shows every stage). The random baseline has no model and gets no value.";
			}
		};
	}
}
