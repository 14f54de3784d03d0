package io.github.explainij.evaluate;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import ij.IJ;
import ij.ImagePlus;

import io.github.explainij.TestData;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The references of src/test/python/make_eval_maps_fixtures.py (fixtures/evaluate/maps). */
public final class MapsFixture {

	private MapsFixture() {}

	public static Path dir() {
		return TestData.repo().resolve("src/test/resources/fixtures/evaluate/maps");
	}

	public static JsonObject json(final String name) {
		try {
			return JsonParser.parseString(Files.readString(dir().resolve(name + ".json"), StandardCharsets.UTF_8)).getAsJsonObject();
		}
		catch (final IOException e) {
			throw new IllegalStateException(e);
		}
	}

	/** A float32 map written by the script, row-major. */
	public static float[] map(final String name) {
		final ImagePlus imp = IJ.openImage(dir().resolve(name + ".tif").toString());
		return (float[]) imp.getProcessor().convertToFloatProcessor().getPixels();
	}

	/** A mask file of the repository (non-zero inside). */
	public static boolean[] mask(final String repoPath) {
		final ImagePlus imp = IJ.openImage(TestData.repo().resolve(repoPath).toString());
		final float[] v = (float[]) imp.getProcessor().convertToFloatProcessor().getPixels();
		final boolean[] out = new boolean[v.length];
		for (int i = 0; i < v.length; i++) out[i] = v[i] != 0;
		return out;
	}

	public static double[] doubles(final JsonObject o, final String key) {
		return o.getAsJsonArray(key).asList().stream().mapToDouble(e -> e.getAsDouble()).toArray();
	}
}
