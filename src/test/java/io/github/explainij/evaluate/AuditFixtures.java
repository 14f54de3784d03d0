package io.github.explainij.evaluate;

import io.github.explainij.TestData;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.nio.file.Files;
import java.nio.file.Path;

/** The fixtures of make_eval_audit_fixtures.py (src/test/resources/fixtures/evaluate/audit/). */
public final class AuditFixtures {

	private AuditFixtures() {}

	public static Path path(final String name) {
		return TestData.repo().resolve("src/test/resources/fixtures/evaluate/audit/" + name);
	}

	public static JsonObject load(final String name) {
		try {
			return JsonParser.parseString(Files.readString(path(name))).getAsJsonObject();
		}
		catch (final java.io.IOException e) {
			throw new AssertionError("cannot read fixture " + name + " (run src/test/python/make_eval_audit_fixtures.py)", e);
		}
	}

	public static double[] doubles(final JsonArray a) {
		final double[] out = new double[a.size()];
		for (int i = 0; i < out.length; i++) out[i] = a.get(i).getAsDouble();
		return out;
	}

	public static double[][] matrix(final JsonArray a) {
		final double[][] out = new double[a.size()][];
		for (int i = 0; i < out.length; i++) out[i] = doubles(a.get(i).getAsJsonArray());
		return out;
	}

	/** Asserts that a tree's nodes (depth-first) equal a fixture's node list (feature, threshold, class counts). */
	public static void assertNodes(final JsonArray expected, final DecisionTree tree, final double tolerance) {
		final var nodes = tree.nodes();
		org.junit.jupiter.api.Assertions.assertEquals(expected.size(), nodes.size(), "node count");
		for (int i = 0; i < nodes.size(); i++) {
			final JsonObject e = expected.get(i).getAsJsonObject();
			final DecisionTree.Node n = nodes.get(i);
			org.junit.jupiter.api.Assertions.assertEquals(e.get("feature").getAsInt(), n.feature, "feature of node " + i);
			if (!n.isLeaf()) {
				final double t = e.get("threshold").getAsDouble();
				org.junit.jupiter.api.Assertions.assertEquals(t, n.threshold, tolerance * Math.max(1, Math.abs(t)), "threshold of node " + i);
			}
			org.junit.jupiter.api.Assertions.assertArrayEquals(TestData.ints(e.getAsJsonArray("counts")), n.counts, "counts of node " + i);
		}
	}
}
