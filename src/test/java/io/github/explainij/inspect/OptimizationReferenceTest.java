package io.github.explainij.inspect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import ij.IJ;
import ij.ImagePlus;
import ij.process.FloatProcessor;

import io.github.explainij.TestData;
import io.github.explainij.method.Baselines;
import io.github.explainij.method.Progress;
import io.github.explainij.model.InputTransform;
import io.github.explainij.model.Network;
import io.github.explainij.target.ClassScore;
import io.github.explainij.target.ScoreKind;
import io.github.explainij.target.StageActivation;
import io.github.explainij.target.Target;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Activation maximization, DeepDream and their priors against src/test/python/make_inspect_optim_fixtures.py
 * (NumPy, SciPy and PyTorch autograd on cells-gap) and hand-computable cases.
 */
class OptimizationReferenceTest {

	private static final Path DIR = TestData.repo().resolve("src/test/resources/fixtures/inspect/optim");

	private static JsonObject json(final String name) throws Exception {
		return JsonParser.parseString(Files.readString(DIR.resolve(name + ".json"))).getAsJsonObject();
	}

	private static float[] floats(final JsonArray a) {
		final float[] out = new float[a.size()];
		for (int i = 0; i < out.length; i++) out[i] = a.get(i).getAsFloat();
		return out;
	}

	private static float[] tif(final String name) {
		final ImagePlus imp = IJ.openImage(DIR.resolve(name).toString());
		return (float[]) imp.getProcessor().convertToFloatProcessor().getPixels();
	}

	private static Network gap() {
		return TestData.network(TestData.model("cells-gap"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "fft_odd", "fft_even_2ch" })
	void fourierImageEqualsLucidsFftImage(final String name) throws Exception {
		final JsonObject o = json(name);
		final int c = o.get("channels").getAsInt(), h = o.get("height").getAsInt(), w = o.get("width").getAsInt();
		final FourierImage f = new FourierImage(c, h, w, o.get("decay_power").getAsDouble());
		final float[] spectrum = floats(o.getAsJsonArray("spectrum"));
		final float[] expected = floats(o.getAsJsonArray("image"));
		assertEquals(spectrum.length, f.spectrumSize());
		final float[] inJava = f.image(spectrum);
		final float[] viaTorch;
		try (NDManager m = gap().manager().newSubManager()) {
			final NDArray img = f.image(m.create(spectrum, f.spectrumShape()));
			assertEquals(new Shape(1, c, h, w), img.getShape());
			viaTorch = img.toFloatArray();
		}
		double largest = 0;
		for (final float v : expected) largest = Math.max(largest, Math.abs(v));
		assertTrue(largest > 1, "the spectrum makes a visible image");
		for (int i = 0; i < expected.length; i++) {
			assertEquals(expected[i], inJava[i], 1e-5 * largest, "Java, value " + i);
			assertEquals(expected[i], viaTorch[i], 1e-5 * largest, "NDArray, value " + i);
		}
		// and back: the spectrum of an image renders that image
		final float[] again = f.image(f.spectrumOf(expected));
		for (int i = 0; i < expected.length; i++) assertEquals(expected[i], again[i], 1e-5 * largest, "round trip, value " + i);
	}

	@Test
	void blurBetweenStepsEqualsScipyAndADeltaBecomesTheGaussian() throws Exception {
		final JsonObject o = json("blur_scipy");
		final float[] blurred = Baselines.blur(floats(o.getAsJsonArray("image")), 1, o.get("width").getAsInt(), o.get("height").getAsInt(),
			o.get("sigma").getAsDouble());
		assertArrayEquals(floats(o.getAsJsonArray("blurred")), blurred, 1e-5f);
		// a delta in the middle of 21 x 21 is the sampled, normalized Gaussian (radius ceil(3 * 2) = 6 fits inside)
		final float[] delta = new float[21 * 21];
		delta[10 * 21 + 10] = 1;
		final float[] g = Baselines.blur(delta, 1, 21, 21, 2);
		double norm = 0;
		for (int i = -6; i <= 6; i++) norm += Math.exp(-i * i / 8.0);
		for (int y = 0; y < 21; y++) {
			for (int x = 0; x < 21; x++) {
				final int dy = y - 10, dx = x - 10;
				final double e = Math.abs(dy) > 6 || Math.abs(dx) > 6 ? 0 : Math.exp(-(dy * dy + dx * dx) / 8.0) / (norm * norm);
				assertEquals(e, g[y * 21 + x], 1e-7, "(" + x + ", " + y + ")");
			}
		}
	}

	@Test
	void totalVariationAndItsGradientByHand() {
		// [[0, 1], [3, 6]]: vertical |3 - 0| + |6 - 1| = 8, horizontal |1 - 0| + |6 - 3| = 4
		final float[][] out = gap().autograd((scope, collector) -> {
			final NDArray p = scope.create(new float[] { 0, 1, 3, 6 }, new Shape(1, 1, 2, 2));
			p.setRequiresGradient(true);
			final NDArray tv = Regularizers.totalVariation(p);
			collector.backward(tv);
			return new float[][] { { tv.getFloat() }, p.getGradient().toFloatArray() };
		});
		assertEquals(12, out[0][0], 0);
		// the sign of each difference, summed per pixel
		assertArrayEquals(new float[] { -2, 0, 0, 2 }, out[1], 0);
	}

	@Test
	void rollShiftsCircularlyAsTorchRoll() {
		try (NDManager m = gap().manager().newSubManager()) {
			final float[] v = new float[12];
			for (int i = 0; i < 12; i++) v[i] = i;
			final float[] r = Regularizers.roll(m.create(v, new Shape(1, 1, 3, 4)), 1, -1).toFloatArray();
			for (int y = 0; y < 3; y++) {
				for (int x = 0; x < 4; x++) assertEquals(v[Math.floorMod(y - 1, 3) * 4 + Math.floorMod(x + 1, 4)], r[y * 4 + x], 0);
			}
		}
	}

	private static Target target(final Network network, final JsonObject o) {
		final String kind = o.get("objective").getAsString();
		if (kind.equals("class")) return ClassScore.of(o.get("class").getAsInt(), ScoreKind.LOGIT);
		final String layer = o.get("layer").getAsString();
		final int stage = network.stageIndex(layer);
		switch (kind) {
			case "channel": return StageActivation.channel(stage, layer, o.get("channel").getAsInt());
			case "neuron": return StageActivation.neuron(stage, layer, o.get("channel").getAsInt(), o.get("y").getAsInt(), o.get("x").getAsInt());
			default: return StageActivation.layer(stage, layer);
		}
	}

	private static double opt(final JsonObject o, final String key) {
		return o.has(key) ? o.get(key).getAsDouble() : 0;
	}

	@ParameterizedTest
	@ValueSource(strings = { "step_class", "step_channel", "step_neuron", "step_layer", "step_channel_l2_tv_jitter", "step_class_fft" })
	void onePlainStepEqualsPyTorch(final String name) throws Exception {
		final JsonObject o = json(name);
		final Network network = gap();
		final float[][] start = { tif("start.tif") };
		final InputTransform transform = network.transformFor(start);
		final ActivationMaximization.Settings s = new ActivationMaximization.Settings(1, o.get("step_size").getAsDouble(), opt(o, "l2_decay"),
			opt(o, "tv_weight"), 0, 0, (int) opt(o, "jitter"), o.has("fft"), o.has("decay_power") ? opt(o, "decay_power") : 1,
			ActivationMaximization.Init.IMAGE, (long) opt(o, "seed"), 0);
		final ActivationMaximization.Result r = ActivationMaximization.run(network, target(network, o), transform, start, 1, 32, 32, s,
			Progress.NONE);
		final float[] expected = tif(o.get("image").getAsString());
		final double std = transform.divisor()[0];
		double moved = 0;
		for (int i = 0; i < expected.length; i++) {
			assertEquals(expected[i], r.image()[0][i], 1e-4 * std, "pixel " + i);
			moved = Math.max(moved, Math.abs(expected[i] - start[0][i]) / std);
		}
		assertTrue(moved > 0.4, "the step moves the image by " + moved);
		assertEquals(o.get("objective_start").getAsDouble(), r.objectiveStart(), 1e-4 * Math.abs(o.get("objective_start").getAsDouble()));
		assertEquals(o.get("score_in_step").getAsDouble(), r.objective()[0], 1e-4 * Math.abs(o.get("score_in_step").getAsDouble()));
		assertEquals(o.get("objective_end").getAsDouble(), r.objectiveEnd(), 1e-4 * Math.abs(o.get("objective_end").getAsDouble()));
		assertEquals(2, r.frames().size());
	}

	@ParameterizedTest
	@ValueSource(strings = { "dream_2octaves", "dream_1octave" })
	void deepDreamEqualsTheNotebookInPyTorch(final String name) throws Exception {
		final JsonObject o = json(name);
		final Network network = gap();
		final float[][] start = { tif("start.tif") };
		final InputTransform transform = network.transformFor(start);
		final String layer = o.get("layer").getAsString();
		final DeepDream.Result r = DeepDream.run(network, StageActivation.layer(network.stageIndex(layer), layer), transform, start, 32, 32,
			o.get("octaves").getAsInt(), o.get("octave_scale").getAsDouble(), o.get("steps").getAsInt(), o.get("step_size").getAsDouble(),
			o.get("jitter").getAsInt(), o.get("seed").getAsLong(), Progress.NONE);
		final float[] expected = tif(o.get("image").getAsString());
		final double std = transform.divisor()[0];
		for (int i = 0; i < expected.length; i++) assertEquals(expected[i], r.image()[0][i], 1e-4 * std, "pixel " + i);
		assertEquals(o.get("objective_start").getAsDouble(), r.objectiveStart(), 1e-4 * o.get("objective_start").getAsDouble());
		assertEquals(o.get("objective_end").getAsDouble(), r.objectiveEnd(), 1e-4 * o.get("objective_end").getAsDouble());
		assertTrue(r.objectiveEnd() > 1.2 * r.objectiveStart(), r.objectiveStart() + " -> " + r.objectiveEnd());
		final JsonArray sizes = o.getAsJsonArray("sizes");
		final java.util.List<int[]> ours = DeepDream.octaveSizes(32, 32, sizes.size(), o.get("octave_scale").getAsDouble());
		for (int i = 0; i < sizes.size(); i++) assertEquals(sizes.get(i).getAsJsonArray().get(0).getAsInt(), ours.get(i)[1]);
	}

	@Test
	void cancellingStopsAtTheNextStep() {
		final Network network = gap();
		final float[][] start = { tif("start.tif") };
		final InputTransform transform = network.transformFor(start);
		final int[] reported = { -1 };
		final Progress cancelAfterTwo = new Progress() {

			@Override
			public void update(final int done, final int total) {
				reported[0] = done;
			}

			@Override
			public boolean isCanceled() {
				return reported[0] >= 2;
			}
		};
		final ActivationMaximization.Settings s = new ActivationMaximization.Settings(50, 1, 0, 0, 0, 0, 0, false, 1,
			ActivationMaximization.Init.IMAGE, 0, 0);
		org.junit.jupiter.api.Assertions.assertThrows(Progress.Cancelled.class, () -> ActivationMaximization.run(network,
			ClassScore.of(1, ScoreKind.LOGIT), transform, start, 1, 32, 32, s, cancelAfterTwo));
		assertEquals(2, reported[0]);
		reported[0] = -1;
		org.junit.jupiter.api.Assertions.assertThrows(Progress.Cancelled.class, () -> DeepDream.run(network, StageActivation.layer(4, "relu2"),
			transform, start, 32, 32, 2, 1.4, 10, 0.05, 0, 0, cancelAfterTwo));
		assertEquals(2, reported[0]);
	}
}
