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
