package io.github.explainij.method;

import static io.github.explainij.TestData.floats;
import static io.github.explainij.TestData.ints;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import io.github.explainij.TestData;
import io.github.explainij.target.ScoreKind;
import io.github.explainij.target.TargetSpec;

import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.type.numeric.real.FloatType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A fixture of src/test/python/make_library_fixtures.py: one model and input, and the outputs of calls to the
 * real Captum, Zennit and pytorch-grad-cam, each with the Explain-IJ method and parameters it corresponds to.
 */
final class LibraryFixture {

	/** One library call. */
	static final class Entry {

		final String library;
		final String call;
		final String method;
		final JsonObject params;
		/** "equal": Explain-IJ must give these values; "differs": a documented difference of the library's defaults. */
		final boolean equal;
		final int[] shape;
		final float[] values;
		final Map<String, Double> results;

		private Entry(final JsonObject o) {
			library = o.get("library").getAsString();
			call = o.get("call").getAsString();
			method = o.get("method").getAsString();
			params = o.getAsJsonObject("params");
			final String expect = o.get("expect").getAsString();
			if (!expect.equals("equal") && !expect.equals("differs")) throw new IllegalStateException("expect: " + expect);
			equal = expect.equals("equal");
			shape = ints(o.getAsJsonArray("shape"));
			values = floats(o.getAsJsonArray("values"));
			final Map<String, Double> r = new LinkedHashMap<>();
			for (final Map.Entry<String, JsonElement> e : o.getAsJsonObject("results").entrySet()) r.put(e.getKey(), e.getValue().getAsDouble());
			results = Collections.unmodifiableMap(r);
		}

		String text(final String key) {
			return params.get(key).getAsString();
		}

		int integer(final String key) {
			return params.get(key).getAsInt();
		}

		double number(final String key) {
			return params.get(key).getAsDouble();
		}

		boolean flag(final String key) {
			return params.has(key) && params.get(key).getAsBoolean();
		}

		@Override
		public String toString() {
			return library + " " + call;
		}
	}

	final String name;
	final Path model;
	final ArrayImg<FloatType, FloatArray> image;
	final int target;
	final String score;
	final List<Entry> entries;

	private LibraryFixture(final String name, final JsonObject o) {
		this.name = name;
		model = TestData.repo().resolve(o.get("model").getAsString());
		image = TestData.fixtureImage(o, "input_shape");
		target = o.get("target").getAsInt();
		score = o.get("score").getAsString();
		final List<Entry> list = new ArrayList<>();
		for (final JsonElement e : o.getAsJsonArray("entries")) list.add(new Entry(e.getAsJsonObject()));
		entries = Collections.unmodifiableList(list);
	}

	static LibraryFixture load(final String name) {
		final Path p = TestData.repo().resolve("src/test/resources/fixtures/library/" + name + ".json");
		try {
			return new LibraryFixture(name, JsonParser.parseString(Files.readString(p, StandardCharsets.UTF_8)).getAsJsonObject());
		}
		catch (final IOException e) {
			throw new IllegalStateException("missing fixture " + p + " (run src/test/python/make_library_fixtures.py)", e);
		}
	}

	ExplainRequest request() {
		return new ExplainRequest(TestData.network(model), image, TargetSpec.index(target), ScoreKind.parse(score));
	}

	@Override
	public String toString() {
		return name;
	}
}
