package io.github.explainij;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import ij.IJ;
import ij.ImagePlus;

import io.github.explainij.image.ImagePlusAdapter;
import io.github.explainij.model.Network;

import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.type.numeric.real.FloatType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Paths to the shipped models, sample data and reference fixtures, and numeric assertions. */
public final class TestData {

	private static final Map<Path, Network> NETWORKS = new HashMap<>();

	private TestData() {}

	/** The repository's top folder. */
	public static Path repo() {
		return Path.of(System.getProperty("explainij.repo", ".")).toAbsolutePath();
	}

	public static Path model(final String name) {
		return repo().resolve("models/" + name + ".pt");
	}

	public static Path testModel(final String name) {
		return repo().resolve("src/test/resources/models/" + name + ".pt");
	}

	public static Path sample(final String set, final String name) {
		return repo().resolve("sample-data/" + set + "/images/" + name + ".tif");
	}

	public static ImagePlus openSample(final String set, final String name) {
		final ImagePlus imp = IJ.openImage(sample(set, name).toString());
		assertTrue(imp != null, "cannot open sample " + set + "/" + name);
		return imp;
	}

	/** A loaded network, shared by all tests (loading is the slow part). */
	public static synchronized Network network(final Path file) {
		return NETWORKS.computeIfAbsent(file, f -> Network.load(f, Device.cpu()));
	}

	/** A reference fixture computed by src/test/python/make_fixtures.py with PyTorch autograd. */
	public static final class Fixture {

		public final String name;
		public final Path model;
		public final ArrayImg<FloatType, FloatArray> image;
		public final int target;
		public final String score;
		public final float[] logits;
		public final int predicted;
		public final float[] gradient;
		public final int[] gradientShape;

		private Fixture(final String name, final JsonObject o) {
			this.name = name;
			this.model = repo().resolve(o.get("model").getAsString());
			this.image = fixtureImage(o, "input_shape");
			this.target = o.get("target").getAsInt();
			this.score = o.get("score").getAsString();
			this.logits = floats(o.getAsJsonArray("logits"));
			this.predicted = o.get("predicted").getAsInt();
			this.gradient = floats(o.getAsJsonArray("gradient"));
			this.gradientShape = ints(o.getAsJsonArray("gradient_shape"));
		}

		public static Fixture load(final String name) {
			final Path p = repo().resolve("src/test/resources/fixtures/" + name);
			try {
				return new Fixture(name, JsonParser.parseString(Files.readString(p, StandardCharsets.UTF_8)).getAsJsonObject());
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

	/**
	 * A fixture's input image [X, Y, C]: the TIFF named by "image" (relative to the repository), or the
	 * raw values of "input" (channel-major) with their [C, H, W] shape under {@code shapeKey}.
	 */
	public static ArrayImg<FloatType, FloatArray> fixtureImage(final JsonObject o, final String shapeKey) {
		if (o.has("image") && !o.get("image").isJsonNull()) {
			return ImagePlusAdapter.currentPlanes(IJ.openImage(repo().resolve(o.get("image").getAsString()).toString()));
		}
		final int[] s = ints(o.getAsJsonArray(shapeKey));
		final float[] flat = floats(o.getAsJsonArray("input"));
		final int n = s[1] * s[2];
		final float[][] planes = new float[s[0]][n];
		for (int c = 0; c < s[0]; c++) System.arraycopy(flat, c * n, planes[c], 0, n);
		return ImagePlusAdapter.fromPlanes(planes, s[2], s[1]);
	}

	/** A JSON array of numbers as floats. */
	public static float[] floats(final JsonArray a) {
		final float[] v = new float[a.size()];
		int i = 0;
		for (final JsonElement e : a) v[i++] = e.getAsFloat();
		return v;
	}

	/** A JSON array of numbers as ints. */
	public static int[] ints(final JsonArray a) {
		final int[] v = new int[a.size()];
		int i = 0;
		for (final JsonElement e : a) v[i++] = e.getAsInt();
		return v;
	}

	/**
	 * Asserts max |expected - actual| <= rel * max |expected| (the maximum relative error the issue
	 * specifies), and that the reference is not trivially zero.
	 */
	public static void assertRelativeClose(final float[] expected, final float[] actual, final double rel, final String what) {
		assertEquals(expected.length, actual.length, what + ": length");
		double maxRef = 0, maxDiff = 0;
		int worst = -1;
		for (int i = 0; i < expected.length; i++) {
			maxRef = Math.max(maxRef, Math.abs(expected[i]));
			final double d = Math.abs(expected[i] - actual[i]);
			if (d > maxDiff) {
				maxDiff = d;
				worst = i;
			}
		}
		assertTrue(maxRef > 0, what + ": reference is all zero");
		assertTrue(maxDiff <= rel * maxRef, String.format("%s: max |diff| %.3g at %d (expected %s, got %s) exceeds %.1g x max|ref| %.3g",
			what, maxDiff, worst, worst < 0 ? "" : expected[worst], worst < 0 ? "" : actual[worst], rel, maxRef));
	}
}
