package io.github.explainij.evaluate;

import io.github.explainij.ExplainException;
import io.github.explainij.method.Progress;
import io.github.explainij.model.Network;
import io.github.explainij.workflow.ImageFolder;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A global surrogate: a small decision tree ({@link DecisionTree}) that mimics the model's PREDICTIONS
 * (not the true labels) over a folder, from interpretable features of each image ({@link ImageFeatures}).
 * Its fidelity is how often it agrees with the model, on the images it was grown on and on held-out
 * images. A high held-out fidelity means the rule the tree prints is a fair summary of what the model
 * does on such images; a low one means the model uses something these features do not capture.
 * <p>
 * The held-out images: {@code round(testFraction * n)} (halves up) images chosen by shuffling the folder
 * order with {@code java.util.Random(seed)} as {@code Collections.shuffle} does (for i = n .. 2: swap
 * i - 1 with {@code nextInt(i)}) and taking the first ones.
 */
public final class Surrogate {

	private final List<String> featureNames;
	private final List<String> classNames;
	private final double[][] features;
	private final int[] predictions;
	private final boolean[] heldOut;
	private final DecisionTree tree;

	private Surrogate(final List<String> featureNames, final List<String> classNames, final double[][] features, final int[] predictions,
		final boolean[] heldOut, final DecisionTree tree)
	{
		this.featureNames = featureNames;
		this.classNames = classNames;
		this.features = features;
		this.predictions = predictions;
		this.heldOut = heldOut;
		this.tree = tree;
	}

	/** Runs the model over the folder, computes every image's features and grows the tree. */
	public static Surrogate of(final Network network, final ImageFolder folder, final int maxDepth, final int minLeaf, final double testFraction,
		final long seed, final Progress progress)
	{
		checkFraction(testFraction);
		final float[][] outputs = FolderPasses.outputs(network, folder, null, progress);
		if (outputs[0].length < 2) {
			throw new ExplainException("the model gives " + outputs[0].length + " value(s) per image: a surrogate tree mimics a classifier's " +
				"class decisions (logits [B, K] with K >= 2)");
		}
		final int[] predictions = new int[outputs.length];
		for (int i = 0; i < outputs.length; i++) predictions[i] = FolderPasses.argmax(outputs[i]);
		final double[][] features = new double[folder.size()][];
		int channels = -1;
		for (int i = 0; i < folder.size(); i++) {
			final ImageFolder.Image image = ImageFolder.read(folder.entries().get(i));
			if (channels >= 0 && image.planes.length != channels) {
				throw new ExplainException(image.entry.name + " has " + image.planes.length + " channel(s), the folder's first image " + channels +
					": use images with the same channels");
			}
			channels = image.planes.length;
			features[i] = ImageFeatures.of(image.planes, image.width, image.height);
		}
		final List<String> classes = new ArrayList<>(network.spec().classes());
		for (int c = classes.size(); c < outputs[0].length; c++) classes.add("class " + c);
		return of(features, ImageFeatures.names(channels), classes, predictions, maxDepth, minLeaf, testFraction, seed);
	}

	/** Grows the tree on given features and model predictions (what {@link #of(Network, ImageFolder, int, int, double, long, Progress)} does after the passes). */
	public static Surrogate of(final double[][] features, final List<String> featureNames, final List<String> classNames, final int[] predictions,
		final int maxDepth, final int minLeaf, final double testFraction, final long seed)
	{
		checkFraction(testFraction);
		final boolean[] heldOut = heldOut(features.length, testFraction, seed);
		final List<double[]> x = new ArrayList<>();
		final List<Integer> y = new ArrayList<>();
		for (int i = 0; i < features.length; i++) {
			if (!heldOut[i]) {
				x.add(features[i]);
				y.add(predictions[i]);
			}
		}
		if (x.isEmpty()) {
			throw new ExplainException("no image is left to grow the tree on (" + features.length + " images, test_fraction " + testFraction +
				"): lower test_fraction or add images");
		}
		final DecisionTree tree = DecisionTree.fit(x.toArray(new double[0][]), y.stream().mapToInt(Integer::intValue).toArray(), classNames.size(),
			maxDepth, minLeaf);
		return new Surrogate(featureNames, classNames, features, predictions, heldOut, tree);
	}

	private static void checkFraction(final double testFraction) {
		if (!(testFraction >= 0 && testFraction < 1)) {
			throw new ExplainException("test_fraction must be at least 0 and below 1 (the share of images held out to measure fidelity), not " +
				testFraction);
		}
	}

	/** Which images are held out (see the class comment). */
	public static boolean[] heldOut(final int n, final double testFraction, final long seed) {
		final int[] order = new int[n];
		for (int i = 0; i < n; i++) order[i] = i;
		final Random random = new Random(seed);
		for (int i = n; i > 1; i--) {
			final int j = random.nextInt(i);
			final int t = order[i - 1];
			order[i - 1] = order[j];
			order[j] = t;
		}
		final int count = (int) Math.floor(testFraction * n + 0.5);
		final boolean[] out = new boolean[n];
		for (int i = 0; i < count; i++) out[order[i]] = true;
		return out;
	}

	public DecisionTree tree() { return tree; }

	public List<String> featureNames() { return featureNames; }

	public List<String> classNames() { return classNames; }

	/** Every image's features, in folder order. */
	public double[][] features() { return features; }

	/** The model's class for every image. */
	public int[] predictions() { return predictions; }

	/** Whether each image was held out. */
	public boolean[] heldOut() { return heldOut.clone(); }

	/** The tree's class for image i. */
	public int treePrediction(final int i) {
		return tree.predict(features[i]);
	}

	/** The share of the training images on which the tree agrees with the model. */
	public double fidelityTrain() {
		return agreement(false);
	}

	/** The share of the held-out images on which the tree agrees with the model; NaN when none is held out. */
	public double fidelityTest() {
		return agreement(true);
	}

	public int trainCount() { return count(false); }

	public int testCount() { return count(true); }

	private int count(final boolean test) {
		int n = 0;
		for (final boolean h : heldOut) {
			if (h == test) n++;
		}
		return n;
	}

	private double agreement(final boolean test) {
		int n = 0, same = 0;
		for (int i = 0; i < features.length; i++) {
			if (heldOut[i] != test) continue;
			n++;
			if (treePrediction(i) == predictions[i]) same++;
		}
		return n == 0 ? Double.NaN : same / (double) n;
	}

	/** The tree as text, with a header giving the fidelity. */
	public String text() {
		return tree.text(featureNames, classNames);
	}
}
