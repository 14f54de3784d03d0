package io.github.explainij.evaluate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import ai.djl.Device;
import ai.djl.ndarray.types.Shape;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import io.github.explainij.TestData;
import io.github.explainij.model.Network;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * Retraining in Java through DJL equals PyTorch: two optimizer steps from the same weights on the same
 * batches give the same weights (1e-5) as torch.optim.SGD (momentum 0.9) and torch.optim.Adam
 * (make_eval_model_fixtures.py), on a private copy of the model; the model file is not touched.
 */
class RetrainingTest {

	@Test
	void sgdStepsEqualPyTorch() {
		twoStepsEqualPyTorch("sgd", Retraining.SGD, 0.05);
	}

	@Test
	void adamStepsEqualPyTorch() {
		twoStepsEqualPyTorch("adam", Retraining.ADAM, 0.01);
	}

	private static void twoStepsEqualPyTorch(final String key, final String optimizer, final double lr) {
		final JsonObject fx = EvalFixtures.read("optimizers.json");
		final Path file = TestData.repo().resolve(fx.get("model").getAsString());
		final String before = Network.sha256(file);
		try (Network copy = Network.loadPrivate(file, Device.cpu())) {
			final List<String> names = copy.parameterNames();
			assertEquals(List.of("stages.0.weight", "stages.0.bias", "stages.4.weight", "stages.4.bias"), names);
			final Map<String, float[]> start = Retraining.weights(copy);
			final Retraining trainer = new Retraining(copy, optimizer, lr, 0.9);
			final JsonArray batches = fx.getAsJsonArray("batches"), steps = fx.getAsJsonArray(key);
			for (int s = 0; s < 2; s++) {
				final JsonObject batch = batches.get(s).getAsJsonObject(), step = steps.get(s).getAsJsonObject();
				final double loss = trainer.step(EvalFixtures.floats(batch.getAsJsonArray("raw")), new Shape(5, 1, 8, 8),
					EvalFixtures.ints(batch.getAsJsonArray("labels")));
				assertEquals(step.get("loss").getAsDouble(), loss, 1e-5, key + " loss at step " + (s + 1));
				for (final String n : names) {
					assertArrayEquals(EvalFixtures.floats(step.getAsJsonObject("weights").getAsJsonArray(n)), copy.parameter(n).toFloatArray(), 1e-5f,
						key + " " + n + " after step " + (s + 1));
				}
			}
			assertNotEquals(start.get("stages.4.bias")[0], copy.parameter("stages.4.bias").toFloatArray()[0], "the weights moved");
			// restoring puts the first weights back
			Retraining.restore(copy, start);
			assertArrayEquals(start.get("stages.0.weight"), copy.parameter("stages.0.weight").toFloatArray());
		}
		assertEquals(before, Network.sha256(file), "the model file is unchanged");
		// the shared network of the same file keeps its weights
		final float[] shared = TestData.network(file).parameter("stages.0.weight").toFloatArray();
		assertArrayEquals(EvalFixtures.floats(fx.getAsJsonObject("start").getAsJsonArray("stages.0.weight")), shared, 0f);
	}
}
