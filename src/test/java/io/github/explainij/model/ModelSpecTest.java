package io.github.explainij.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.explainij.ExplainException;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

class ModelSpecTest {

	@Test
	void sidecarIsTheModelNameWithJson() {
		assertEquals(Path.of("/m/cells.json"), ModelSpec.sidecarOf(Path.of("/m/cells.pt")));
		assertEquals(Path.of("/m/a.b.json"), ModelSpec.sidecarOf(Path.of("/m/a.b.pt")));
	}

	@Test
	void parsesEveryKey() {
		final ModelSpec s = ModelSpec.parse("{\"name\":\"n\",\"classes\":[\"x\",\"y\"],\"input\":{\"channels\":3,\"height\":32,\"width\":48}," +
			"\"normalize\":{\"type\":\"meanstd\",\"mean\":[1,2,3],\"std\":[4,5,6]},\"cam_layer\":\"relu3\"}", "f", null);
		assertEquals("n", s.name());
		assertEquals(List.of("x", "y"), s.classes());
		assertEquals(3, s.channels());
		assertEquals(32, s.height());
		assertEquals(48, s.width());
		assertEquals("relu3", s.camLayer());
		assertEquals("y", s.className(1));
		assertEquals("class 5", s.className(5));
		final double[][] affine = s.normalization().affineFor(new float[3][1]);
		assertArrayEquals(new double[] { 1, 2, 3 }, affine[0]);
		assertArrayEquals(new double[] { 1 / 4.0, 1 / 5.0, 1 / 6.0 }, affine[1], 1e-12);
	}

	@Test
	void missingKeysTakeDefaults() {
		final ModelSpec s = ModelSpec.parse("{}", "fallback", null);
		assertEquals("fallback", s.name());
		assertTrue(s.classes().isEmpty());
		assertEquals(0, s.channels());
		assertTrue(!s.hasFixedSize());
		assertEquals(Normalization.Type.NONE, s.normalization().type());
		assertNull(s.camLayer());
	}

	@Test
	void brokenSidecarsSayWhatIsWrong() {
		assertTrue(assertThrows(ExplainException.class, () -> ModelSpec.parse("{\"name\": ", "f", null)).getMessage().contains("does not parse"));
		assertTrue(assertThrows(ExplainException.class, () -> ModelSpec.parse("[1,2]", "f", null)).getMessage().contains("not a JSON object"));
		assertTrue(assertThrows(ExplainException.class, () -> ModelSpec.parse("{\"normalize\":{\"type\":\"zscore\"}}", "f", null))
			.getMessage().contains("unknown normalize type 'zscore'"));
		assertTrue(assertThrows(ExplainException.class, () -> ModelSpec.parse("{\"input\":{\"height\":8}}", "f", null))
			.getMessage().contains("both"));
		assertTrue(assertThrows(ExplainException.class, () -> ModelSpec.parse("{\"normalize\":{\"type\":\"meanstd\",\"mean\":[1],\"std\":[0]}}", "f", null))
			.getMessage().contains("std > 0"));
	}

	private static String refusal(final String json) {
		return assertThrows(ExplainException.class, () -> ModelSpec.parse(json, "f", Path.of("m.json"))).getMessage();
	}

	@Test
	void valuesOfTheWrongTypeAreRefusedWithTheKeyAndTheForm() {
		assertEquals("the model sidecar m.json: \"input.channels\" must be a positive whole number (e.g. \"channels\": 1), not \"two\"",
			refusal("{\"input\": {\"channels\": \"two\"}}"));
		assertEquals("the model sidecar m.json: \"input.height\" must be a positive whole number (e.g. \"height\": 64), not 6.5",
			refusal("{\"input\": {\"height\": 6.5, \"width\": 8}}"));
		assertEquals("the model sidecar m.json: \"input.width\" must be a positive whole number (e.g. \"width\": 64), not -8",
			refusal("{\"input\": {\"height\": 8, \"width\": -8}}"));
		assertEquals("the model sidecar m.json: \"input\" must be an object {...} (e.g. \"input\": {\"channels\": 1, \"height\": 64, " +
			"\"width\": 64}), not 1", refusal("{\"input\": 1}"));
		assertEquals("the model sidecar m.json: \"classes\" must be a list of distinct names in quotes (e.g. \"classes\": [\"interphase\", " +
			"\"mitotic\"]), not \"interphase\"", refusal("{\"classes\": \"interphase\"}"));
		assertEquals("the model sidecar m.json: \"name\" must be a text in quotes (e.g. \"name\": \"cells-gap\"), not [\"a\"]",
			refusal("{\"name\": [\"a\"]}"));
		assertEquals("the model sidecar m.json: \"normalize.min\" must be a finite number (e.g. \"min\": 0), not \"0\"",
			refusal("{\"normalize\": {\"type\": \"range\", \"min\": \"0\", \"max\": 255}}"));
		assertEquals("the model sidecar m.json: \"cam_layer\" must be a text in quotes (e.g. \"cam_layer\": \"relu3\"), not 3",
			refusal("{\"cam_layer\": 3}"));
	}

	@Test
	void nonFiniteStatisticsAreRefused() {
		for (final String nan : new String[] { "NaN", "Infinity", "-Infinity", "\"NaN\"" }) {
			// lenient JSON: Gson reads a bare NaN or Infinity as a word, shown in quotes
			assertEquals("the model sidecar m.json: \"normalize.mean\" must be a finite number or a list of finite numbers, one per channel " +
				"(e.g. \"mean\": [280.0]), not \"" + nan.replace("\"", "") + "\"", refusal("{\"normalize\": {\"type\": \"meanstd\", \"mean\": [" + nan + "], \"std\": [1]}}"));
		}
		assertTrue(refusal("{\"normalize\": {\"type\": \"meanstd\", \"mean\": [1], \"std\": NaN}}").contains("\"normalize.std\" must be"));
		assertTrue(refusal("{\"normalize\": {\"type\": \"percentile\", \"low\": 1, \"high\": NaN}}").contains("\"normalize.high\" must be"));
		assertThrows(ExplainException.class, () -> Normalization.meanStd(new double[] { Double.NaN }, new double[] { 1 }));
		assertThrows(ExplainException.class, () -> Normalization.range(0, Double.POSITIVE_INFINITY));
	}

	@Test
	void classNamesMustBeDistinctNames() {
		assertEquals("the model sidecar m.json: \"classes\" must be a list of distinct names in quotes (e.g. \"classes\": [\"interphase\", " +
			"\"mitotic\"]); \"mitotic\" appears more than once", refusal("{\"classes\": [\"interphase\", \"mitotic\", \"mitotic\"]}"));
		assertTrue(refusal("{\"classes\": [\"a\", 2]}").endsWith("; 2 is not a name"));
		assertTrue(refusal("{\"classes\": [\"a\", \" \"]}").endsWith("; \" \" is not a name"));
		assertTrue(refusal("{\"channel_names\": [\"DNA\", \"DNA\"]}").contains("\"channel_names\" must be a list of distinct names"));
	}

	@Test
	void sha256IsSixtyFourHexDigits() {
		final String hex = "0123456789abcdef".repeat(4);
		assertEquals(hex, ModelSpec.parse("{\"sha256\": \"" + hex.toUpperCase() + "\"}", "f", null).sha256());
		assertNull(ModelSpec.parse("{}", "f", null).sha256());
		assertEquals("the model sidecar m.json: \"sha256\" must be the model file's SHA-256 as 64 hexadecimal digits (as sha256sum " +
			"cells.pt prints it), not \"abc\"", refusal("{\"sha256\": \"abc\"}"));
	}

	@Test
	void percentileIsNumpysLinearDefinition() {
		// numpy.percentile([0, 1, ..., 10], 25) == 2.5 and (..., 99.8) == 9.98
		final float[] v = new float[11];
		for (int i = 0; i < v.length; i++) v[i] = i;
		assertEquals(2.5, Normalization.percentileOfSorted(v, 25), 1e-12);
		assertEquals(9.98, Normalization.percentileOfSorted(v, 99.8), 1e-9);
		assertEquals(0, Normalization.percentileOfSorted(v, 0), 0);
		assertEquals(10, Normalization.percentileOfSorted(v, 100), 0);
		final double[][] affine = Normalization.percentile(10, 90).affineFor(new float[][] { { 10, 0, 5, 2, 8, 1, 9, 3, 7, 4, 6 } });
		assertEquals(1, affine[0][0], 1e-6);
		assertEquals(1 / 8.0, affine[1][0], 1e-6);
		// a constant image: divisor 1 rather than a division by zero
		assertEquals(1, Normalization.percentile(1, 99).affineFor(new float[][] { { 3, 3, 3 } })[1][0], 0);
	}
}
