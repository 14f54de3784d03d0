package io.github.explainij.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.explainij.TestData;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The CART tree against scikit-learn's DecisionTreeClassifier on a hand-made table, and its deterministic tie-breaking. */
class DecisionTreeTest {

	@Test
	void growsTheTreesScikitLearnGrows() {
		final JsonObject f = AuditFixtures.load("tree_hand.json");
		final double[][] x = AuditFixtures.matrix(f.getAsJsonArray("x"));
		final int[] y = TestData.ints(f.getAsJsonArray("y"));
		for (final JsonElement t : f.getAsJsonArray("trees")) {
			final JsonObject o = t.getAsJsonObject();
			final DecisionTree tree = DecisionTree.fit(x, y, f.get("classes").getAsInt(), o.get("max_depth").getAsInt(), o.get("min_leaf").getAsInt());
			AuditFixtures.assertNodes(o.getAsJsonArray("nodes"), tree, 1e-12);
			assertTrue(tree.depth() <= o.get("max_depth").getAsInt());
		}
	}

	@Test
	void tiesGoToTheFirstFeatureAndTheLowestThreshold() {
		// features 0 and 1 are the same column: both split perfectly at 2.5; feature 0 wins
		final double[][] x = { { 1, 1, 9 }, { 2, 2, 8 }, { 3, 3, 7 }, { 4, 4, 6 } };
		final int[] y = { 0, 0, 1, 1 };
		final DecisionTree tree = DecisionTree.fit(x, y, 2, 3, 1);
		assertEquals(0, tree.root().feature);
		assertEquals(2.5, tree.root().threshold);
		assertEquals(3, tree.nodes().size());
		assertEquals(1, tree.predict(new double[] { 2.6, 0, 0 }));
		assertEquals(0, tree.predict(new double[] { 2.5, 9, 9 }));
		// a pure node is a leaf, and a leaf predicts the lowest of equally frequent classes
		assertEquals(1, DecisionTree.fit(x, new int[] { 1, 1, 1, 1 }, 2, 3, 1).nodes().size());
		assertEquals(0, DecisionTree.fit(x, y, 2, 3, 3).root().prediction);
		assertTrue(DecisionTree.fit(x, y, 2, 3, 3).root().isLeaf(), "min_leaf 3 leaves no split of 4 samples");
	}

	@Test
	void printsTheRuleAsText() {
		final double[][] x = { { 100 }, { 200 }, { 300 }, { 400 } };
		final DecisionTree tree = DecisionTree.fit(x, new int[] { 0, 0, 1, 1 }, 2, 3, 1);
		assertEquals("if mean intensity <= 250.0 (4 images)\n  then a (2 of 2)\nelse (mean intensity > 250.0)\n  then b (2 of 2)\n",
			tree.text(List.of("mean intensity"), List.of("a", "b")));
		assertEquals("0.119172", DecisionTree.number(0.11917162698412698));
		assertEquals("312.5", DecisionTree.number(312.5));
	}
}
