package io.github.explainij.method.perturbation;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import io.github.explainij.TestData;
import io.github.explainij.method.ExplainRequest;
import io.github.explainij.target.ScoreKind;
import io.github.explainij.target.TargetSpec;

import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.type.numeric.real.FloatType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** A reference case written by src/test/python/make_perturbation_fixtures.py. */
final class PerturbationFixture {

	final String name;
	final JsonObject json;
	final Path model;
	final ArrayImg<FloatType, FloatArray> image;
	final int target;
	final String score;

	private PerturbationFixture(final String name, final JsonObject o) {
		this.name = name;
		this.json = o;
		this.model = TestData.repo().resolve(o.get("model").getAsString());
		this.image = TestData.fixtureImage(o, "input_shape");
		this.target = o.get("target").getAsInt();
		this.score = o.get("score").getAsString();
	}

	static PerturbationFixture load(final String name) {
		final Path p = TestData.repo().resolve("src/test/resources/fixtures/perturbation/" + name + ".json");
		try {
			return new PerturbationFixture(name, JsonParser.parseString(Files.readString(p, StandardCharsets.UTF_8)).getAsJsonObject());
		}
		catch (final IOException e) {
			throw new IllegalStateException("missing fixture " + p, e);
		}
	}

	ExplainRequest request() {
		return new ExplainRequest(TestData.network(model), image, TargetSpec.index(target), ScoreKind.parse(score));
	}

	int integer(final String key) {
		return json.get(key).getAsInt();
	}

	double number(final String key) {
		return json.get(key).getAsDouble();
	}

	String text(final String key) {
		return json.get(key).getAsString();
	}

	float[] floats(final String key) {
		return floats(json, key);
	}

	static float[] floats(final JsonObject o, final String key) {
		final JsonArray a = o.getAsJsonArray(key);
		final float[] v = new float[a.size()];
		for (int i = 0; i < v.length; i++) v[i] = a.get(i).getAsFloat();
		return v;
	}

	static int[] ints(final JsonArray a) {
		final int[] v = new int[a.size()];
		for (int i = 0; i < v.length; i++) v[i] = a.get(i).getAsInt();
		return v;
	}

	@Override
	public String toString() {
		return name;
	}
}
