package io.github.explainij.evaluate;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import io.github.explainij.TestData;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

/** The fixtures of src/test/python/make_eval_model_fixtures.py. */
final class EvalFixtures {

	private EvalFixtures() {}

	static JsonObject read(final String name) {
		try {
			return JsonParser.parseString(Files.readString(TestData.repo().resolve("src/test/resources/fixtures/evaluate/model/" + name),
				StandardCharsets.UTF_8)).getAsJsonObject();
		}
		catch (final IOException e) {
			throw new IllegalStateException(e);
		}
	}

	static float[] floats(final JsonArray a) {
		final float[] out = new float[a.size()];
		for (int i = 0; i < out.length; i++) out[i] = a.get(i).getAsFloat();
		return out;
	}

	static int[] ints(final JsonArray a) {
		final int[] out = new int[a.size()];
		for (int i = 0; i < out.length; i++) out[i] = a.get(i).getAsInt();
		return out;
	}
}
