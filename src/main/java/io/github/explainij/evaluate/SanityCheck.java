package io.github.explainij.evaluate;

import io.github.explainij.ExplainException;
import io.github.explainij.image.ImagePlusAdapter;
import io.github.explainij.method.Attribution;
import io.github.explainij.method.AttributionMethod;
import io.github.explainij.method.ExplainRequest;
import io.github.explainij.method.Progress;
import io.github.explainij.model.Network;
import io.github.explainij.target.ScoreKind;
import io.github.explainij.target.TargetSpec;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.real.FloatType;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The sanity check by cascading model randomization (Adebayo et al., "Sanity checks for saliency maps",
 * 2018): the weights are redrawn stage by stage from the top ({@link Reinitialization}), and after each
 * stage the method's map of the same image and class is compared with the original map, by Spearman's
 * rank correlation and SSIM ({@link MapSimilarity}), of absolute values and signed. A map that explains
 * the model must change as the model is destroyed.
 * <p>
 * Verdict: the method <em>passes</em> when, with every stage randomized, both the rank correlation and
 * the SSIM of the absolute maps are below {@link #PASS_BELOW}; it fails when the original map is constant
 * (it explains nothing), when the fully randomized map equals the original, or when it stays similar.
 */
public final class SanityCheck {

	/** A method passes when the fully randomized map's rank correlation and SSIM (absolute values) are both below this. */
	public static final double PASS_BELOW = 0.5;

	/** One randomization step: the stages randomized so far (top first), the map, and its similarity to the original. */
	public static final class Step {

		public final String label;
		public final List<String> randomized;
		public final float[] map;
		public final double spearmanAbs, spearmanSigned, ssimAbs, ssimSigned;

		Step(final String label, final List<String> randomized, final float[] map, final double[] similarity) {
			this.label = label;
			this.randomized = randomized;
			this.map = map;
			this.spearmanAbs = similarity[0];
			this.spearmanSigned = similarity[1];
			this.ssimAbs = similarity[2];
			this.ssimSigned = similarity[3];
		}
	}

	private final float[] original;
	private final List<Step> steps;
	private final int width, height, slices;
	private final int targetClass;
	private final String verdict;
	private final boolean passes;

	private SanityCheck(final float[] original, final List<Step> steps, final int width, final int height, final int slices,
		final int targetClass, final boolean passes, final String verdict)
	{
		this.original = original;
		this.steps = steps;
		this.width = width;
		this.height = height;
		this.slices = slices;
		this.targetClass = targetClass;
		this.passes = passes;
		this.verdict = verdict;
	}

	/**
	 * Runs the check.
	 *
	 * @param copy a private copy of the network ({@link Network#loadPrivate}); its weights are destroyed
	 * @param image the image [X, Y, C], raw values
	 * @param seed seeds the new weights
	 */
	public static SanityCheck run(final Network copy, final AttributionMethod method, final RandomAccessibleInterval<FloatType> image,
		final TargetSpec target, final ScoreKind score, final long seed, final Progress progress)
	{
		final Map<Integer, List<String>> byStage = Reinitialization.parametersByStage(copy);
		final List<Integer> topDown = new ArrayList<>(byStage.keySet());
		Collections.reverse(topDown);
		final int total = topDown.size() + 1;
		final Attribution first = method.explain(new ExplainRequest(copy, image, target, score, progress.part(0, total)));
		final RandomAccessibleInterval<FloatType> m = first.map();
		final int width = (int) m.dimension(0), height = (int) m.dimension(1);
		final int slices = m.numDimensions() > 2 ? (int) (m.size() / (width * (long) height)) : 1;
		final float[] original = ImagePlusAdapter.toChw(m);
		// the class stays the original model's (predicted) class while the model is randomized
		final TargetSpec fixed = TargetSpec.index(first.targetClass());
		final Random random = new Random(seed);
		final List<Step> steps = new ArrayList<>();
		final List<String> randomized = new ArrayList<>();
		for (int i = 0; i < topDown.size(); i++) {
			progress.step(i + 1, total);
			final int stage = topDown.get(i);
			Reinitialization.reinitialize(copy, byStage.get(stage), random);
			randomized.add(copy.layerNames().get(stage));
			final float[] map = ImagePlusAdapter.toChw(method.explain(new ExplainRequest(copy, image, fixed, score, progress.part(i + 1, total))).map());
			steps.add(new Step("randomized " + (randomized.size() == 1 ? randomized.get(0) : randomized.get(0) + " to " + randomized.get(randomized.size() - 1)),
				List.copyOf(randomized), map, similarity(original, map, width, height, slices)));
		}
		progress.step(total, total);
		final Step last = steps.get(steps.size() - 1);
		final boolean passes;
		final String verdict;
		if (MapSimilarity.range(original) == 0) {
			passes = false;
			verdict = "fails: the map of the trained model is constant, it explains nothing";
		}
		else if (java.util.Arrays.equals(original, last.map)) {
			passes = false;
			verdict = "fails: the map does not change when every stage is randomized";
		}
		else if (!(Math.abs(last.spearmanAbs) < PASS_BELOW) || !(last.ssimAbs < PASS_BELOW)) {
			passes = false;
			verdict = String.format(java.util.Locale.ROOT, "fails: with every stage randomized the map keeps a rank correlation of %.3f " +
				"and an SSIM of %.3f with the original (absolute values; passing needs both below %.1f)", last.spearmanAbs, last.ssimAbs, PASS_BELOW);
		}
		else {
			passes = true;
			verdict = String.format(java.util.Locale.ROOT, "passes: with every stage randomized the rank correlation with the original map " +
				"falls to %.3f and the SSIM to %.3f (absolute values)", last.spearmanAbs, last.ssimAbs);
		}
		return new SanityCheck(original, Collections.unmodifiableList(steps), width, height, slices, first.targetClass(), passes, verdict);
	}

	/** Spearman (absolute, signed) and SSIM (absolute, signed; the mean over slices) of a map against the original. */
	static double[] similarity(final float[] original, final float[] map, final int width, final int height, final int slices) {
		final float[] oa = MapSimilarity.abs(original), ma = MapSimilarity.abs(map);
		final int n = width * height;
		double ssimAbs = 0, ssimSigned = 0;
		for (int s = 0; s < slices; s++) {
			final float[] o = java.util.Arrays.copyOfRange(original, s * n, (s + 1) * n), p = java.util.Arrays.copyOfRange(map, s * n, (s + 1) * n);
			final float[] oAbs = MapSimilarity.abs(o), pAbs = MapSimilarity.abs(p);
			ssimAbs += MapSimilarity.ssim(oAbs, pAbs, width, height, dataRange(oAbs));
			ssimSigned += MapSimilarity.ssim(o, p, width, height, dataRange(o));
		}
		return new double[] { MapSimilarity.spearman(oa, ma), MapSimilarity.spearman(original, map), ssimAbs / slices, ssimSigned / slices };
	}

	/** SSIM's data range: the original map's max - min, or 1 for a constant map (so that equal constant maps score 1). */
	static double dataRange(final float[] original) {
		final double r = MapSimilarity.range(original);
		return r > 0 ? r : 1;
	}

	/** The original map, slice-major. */
	public float[] original() { return original; }

	public List<Step> steps() { return steps; }

	public int width() { return width; }

	public int height() { return height; }

	/** Slices of each map (1 for a per-pixel map). */
	public int slices() { return slices; }

	/** The class explained (the trained model's), kept while the model is randomized. */
	public int targetClass() { return targetClass; }

	public boolean passes() { return passes; }

	/** One line: passes or fails, and why. */
	public String verdict() { return verdict; }

	/** Refuses maps too small for SSIM's window, before any work. */
	public static void requireSize(final int width, final int height) {
		if (width < MapSimilarity.WINDOW || height < MapSimilarity.WINDOW) {
			throw new ExplainException("the sanity check compares maps by SSIM, which needs images of at least " + MapSimilarity.WINDOW + "x" +
				MapSimilarity.WINDOW + " pixels; this one is " + width + "x" + height);
		}
	}
}
