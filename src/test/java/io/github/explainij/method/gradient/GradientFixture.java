package io.github.explainij.method.gradient;

import static io.github.explainij.TestData.floats;
import static io.github.explainij.TestData.ints;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import io.github.explainij.TestData;
import io.github.explainij.method.ExplainRequest;
import io.github.explainij.model.Network;
import io.github.explainij.target.ScoreKind;
import io.github.explainij.target.TargetSpec;

import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.type.numeric.real.FloatType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** A reference computed by src/test/python/make_gradient_fixtures.py (PyTorch autograd, Captum's definitions). */
final class GradientFixture {

	final String name;
	final JsonObject json;
	final Path model;
	final ArrayImg<FloatType, FloatArray> image;
	final int target;
	final String score;
	final int channels, height, width;

	private GradientFixture(final String name, final JsonObject o) {
		this.name = name;
		this.json = o;
		this.model = TestData.repo().resolve(o.get("model").getAsString());
		final int[] s = ints(o.getAsJsonArray("shape"));
		channels = s[0];
		height = s[1];
		width = s[2];
		image = TestData.fixtureImage(o, "shape");
		target = o.get("target").getAsInt();
		score = o.get("score").getAsString();
	}

	static GradientFixture load(final String name) {
		return new GradientFixture(name, json(name));
	}

	static JsonObject json(final String name) {
		final Path p = TestData.repo().resolve("src/test/resources/fixtures/gradient/" + name + ".json");
		try {
			return JsonParser.parseString(Files.readString(p, StandardCharsets.UTF_8)).getAsJsonObject();
		}
		catch (final IOException e) {
			throw new IllegalStateException("missing fixture " + p + " (run src/test/python/make_gradient_fixtures.py)", e);
		}
	}

	Network network() {
		return TestData.network(model);
	}

	ExplainRequest request() {
		return new ExplainRequest(network(), image, TargetSpec.index(target), ScoreKind.parse(score));
	}

	float[] floats(final String key) {
		return TestData.floats(json.getAsJsonArray(key));
	}

	double number(final String key) {
		return json.get(key).getAsDouble();
	}

	static double[] doubles(final JsonArray a) {
		final double[] v = new double[a.size()];
		int i = 0;
		for (final JsonElement e : a) v[i++] = e.getAsDouble();
		return v;
	}

	/** Channel sum of a [C, H, W] map. */
	float[] sumChannels(final float[] chw) {
		return io.github.explainij.method.ChannelMaps.sum(chw, channels, height * width);
	}

	/** Largest absolute value over channels. */
	float[] maxAbsChannels(final float[] chw) {
		return io.github.explainij.method.ChannelMaps.maxAbs(chw, channels, height * width);
	}

	@Override
	public String toString() {
		return name;
	}
}
