package io.github.explainij.command;

import ij.ImagePlus;
import ij.ImageStack;
import ij.process.FloatProcessor;

import io.github.explainij.ExplainException;
import io.github.explainij.evaluate.ClassSensitivity;
import io.github.explainij.image.ImagePlusAdapter;
import io.github.explainij.method.ExplainRequest;
import io.github.explainij.model.Network;
import io.github.explainij.target.TargetSpec;

import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/** The maps of two classes for one image: their correlation and their difference. */
@Plugin(type = Command.class, name = "class-sensitivity", menuPath = Options.MENU_EVALUATE + ">Class Sensitivity", label = "Class Sensitivity",
	description = "Does the map depend on the class? Explains the image for two classes (by default the predicted one and the " +
		"runner-up) and reports the Pearson and Spearman correlation of the two maps and their difference image. A map that hardly " +
		"changes with the class (correlation near 1) shows the image, not the decision.")
public class ClassSensitivityCommand extends ImageEvaluationCommand {

	public static final String SECOND = "second";

	@Parameter(label = "Class A", description = "The first class: 'predicted', a class name or a number (0 is the first).")
	protected String class_a = Options.TARGET_PREDICTED;

	@Parameter(label = "Class B", description = "The second class: 'second' (the runner-up: the second highest score), a class name or a number.")
	protected String class_b = SECOND;

	@Override
	protected AnalysisResults analyse(final Network network) {
		final ImagePlus source = sourceImage(image);
		final NamedMethod m = chosenMethod(source);
		final float[][] planes = ImagePlusAdapter.planes(ImagePlusAdapter.currentPlanes(source));
		final int w = source.getWidth(), h = source.getHeight();
		final var progress = progress();
		final ExplainRequest a = request(network, planes, w, h, class_a, progress.part(0, 2));
		final int ka = a.targetClass();
		final int kb = secondClass(a, class_b, ka);
		if (ka == kb) throw new ExplainException("class A and class B are the same class (" + a.className(ka) + "): choose two classes");
		final ExplainRequest b = request(network, planes, w, h, Integer.toString(kb), progress.part(1, 2));
		final float[] mapA = map(m, a), mapB = map(m, b);
		final ClassSensitivity.Result r = ClassSensitivity.of(mapA, mapB);
		final String na = a.className(ka), nb = a.className(kb);
		final ImageStack stack = new ImageStack(w, h);
		stack.addSlice(na + " - " + nb, new FloatProcessor(w, h, r.difference));
		stack.addSlice(na, new FloatProcessor(w, h, mapA));
		stack.addSlice(nb, new FloatProcessor(w, h, mapB));
		final ImagePlus out = resultImage(m.name + ": " + na + " minus " + nb, stack, "class-sensitivity", "method: " + m.name +
			"\nclass a: " + na + "\nclass b: " + nb, source);
		final AnalysisResults results = new AnalysisResults().image("difference", out);
		results.property("class_a", na).property("class_b", nb).property("pearson", DeletionCommand.format(r.pearson))
			.property("spearman", DeletionCommand.format(r.spearman));
		if (Double.isNaN(r.pearson)) {
			results.property("note", "a map is constant, so its correlation is undefined (NaN): " +
				"the method gives no information for " + (constant(mapA) ? na : nb));
		}
		return results;
	}

	/** Class B: the runner-up of the explained scores ('second'), else parsed as a target. */
	static int secondClass(final ExplainRequest a, final String text, final int first) {
		final float[] s = a.classScores();
		if (text == null || text.isBlank() || text.trim().equalsIgnoreCase(SECOND)) {
			if (s.length < 2) throw new ExplainException("the model has one class: there is no second class to compare with");
			int best = -1;
			for (int k = 0; k < s.length; k++) if (k != first && (best < 0 || s[k] > s[best])) best = k;
			return best;
		}
		return TargetSpec.parse(text).resolve(s, a.network().spec().classes());
	}

	private static boolean constant(final float[] v) {
		for (final float x : v) if (x != v[0]) return false;
		return true;
	}
}
