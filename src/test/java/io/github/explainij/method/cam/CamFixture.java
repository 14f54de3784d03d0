package io.github.explainij.method.cam;

import static io.github.explainij.TestData.floats;
import static io.github.explainij.TestData.ints;

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
import java.util.LinkedHashMap;
import java.util.Map;

/** A reference case written by src/test/python/make_cam_fixtures.py. */
final class CamFixture {

	final String name;
	final Path model;
	final ArrayImg<FloatType, FloatArray> image;
	final String layer;
	final int target;
	final String score;
	final float scoreValue;
	final float[] logits;
	final int[] layerShape;
	final float[] gradCamWeights;
	final Float camBias;
	/** method key -> {"layer_map": [...], "map": [...] (optional)} */
	final Map<String, Map<String, float[]>> maps = new LinkedHashMap<>();

	private CamFixture(final String name, final JsonObject o) {
		this.name = name;
		this.model = TestData.repo().resolve(o.get("model").getAsString());
		this.image = TestData.fixtureImage(o, "input_shape");
		this.layer = o.get("layer").getAsString();
		this.target = o.get("target").getAsInt();
		this.score = o.get("score").getAsString();
		this.scoreValue = o.get("score_value").getAsFloat();
		this.logits = floats(o.getAsJsonArray("logits"));
		this.layerShape = ints(o.getAsJsonArray("layer_shape"));
		this.gradCamWeights = floats(o.getAsJsonArray("grad_cam_weights"));
		this.camBias = o.has("cam_bias") ? o.get("cam_bias").getAsFloat() : null;
		for (final Map.Entry<String, JsonElement> e : o.getAsJsonObject("maps").entrySet()) {
			final Map<String, float[]> m = new LinkedHashMap<>();
			for (final Map.Entry<String, JsonElement> v : e.getValue().getAsJsonObject().entrySet()) {
				m.put(v.getKey(), floats(v.getValue().getAsJsonArray()));
			}
			maps.put(e.getKey(), m);
		}
	}

	static CamFixture load(final String name) {
		final Path p = TestData.repo().resolve("src/test/resources/fixtures/cam/" + name + ".json");
		try {
			return new CamFixture(name, JsonParser.parseString(Files.readString(p, StandardCharsets.UTF_8)).getAsJsonObject());
		}
		catch (final IOException e) {
			throw new IllegalStateException("missing fixture " + p, e);
		}
	}

	Network network() {
		return TestData.network(model);
	}

	ExplainRequest request() {
		return new ExplainRequest(network(), image, TargetSpec.index(target), ScoreKind.parse(score));
	}

	int layerHeight() { return layerShape[1]; }

	int layerWidth() { return layerShape[2]; }

	@Override
	public String toString() {
		return name;
	}

}
