package io.github.explainij.method.relevance;

import static io.github.explainij.TestData.floats;
import static io.github.explainij.TestData.ints;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import io.github.explainij.TestData;

import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.type.numeric.real.FloatType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** A fixture of src/test/python/make_relevance_fixtures.py: raw-space maps [C, H, W] per method. */
final class RelevanceFixture {

	final String name;
	final Path model;
	final ArrayImg<FloatType, FloatArray> image;
	final int[] shape;
	final int target;
	final Map<String, float[]> maps = new LinkedHashMap<>();
	final Map<String, Double> results = new LinkedHashMap<>();

	private RelevanceFixture(final String name, final JsonObject o) {
		this.name = name;
		this.model = TestData.repo().resolve(o.get("model").getAsString());
		this.shape = ints(o.getAsJsonArray("input_shape"));
		this.image = TestData.fixtureImage(o, "input_shape");
		this.target = o.get("target").getAsInt();
		for (final Map.Entry<String, JsonElement> e : o.getAsJsonObject("maps").entrySet()) {
			maps.put(e.getKey(), floats(e.getValue().getAsJsonArray()));
		}
		for (final Map.Entry<String, JsonElement> e : o.getAsJsonObject("results").entrySet()) {
			results.put(e.getKey(), e.getValue().getAsDouble());
		}
	}

	static RelevanceFixture load(final String name) {
		final Path p = TestData.repo().resolve("src/test/resources/fixtures/relevance/" + name + ".json");
		try {
			return new RelevanceFixture(name, JsonParser.parseString(Files.readString(p, StandardCharsets.UTF_8)).getAsJsonObject());
		}
		catch (final IOException e) {
			throw new IllegalStateException("missing fixture " + p, e);
		}
	}

	@Override
	public String toString() {
		return name;
	}
}
