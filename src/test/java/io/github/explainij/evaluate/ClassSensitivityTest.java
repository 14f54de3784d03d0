package io.github.explainij.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonObject;

import org.junit.jupiter.api.Test;

/** Class sensitivity against SciPy's pearsonr / spearmanr on the same two maps. */
class ClassSensitivityTest {

	@Test
	void correlationsEqualSciPy() {
		final JsonObject ref = MapsFixture.json("class_sensitivity_gap_mitotic_000");
		final float[] a = MapsFixture.map("saliency_gap_mitotic_000"), b = MapsFixture.map("saliency_gap_mitotic_000_second");
		final ClassSensitivity.Result r = ClassSensitivity.of(a, b);
		assertEquals(ref.get("pearson").getAsDouble(), r.pearson, 1e-6);
		assertEquals(ref.get("spearman").getAsDouble(), r.spearman, 1e-6);
		for (int i = 0; i < a.length; i += 97) assertEquals(a[i] - b[i], r.difference[i], 0);
		final ClassSensitivity.Result same = ClassSensitivity.of(a, a);
		assertEquals(1, same.pearson, 1e-12);
		assertEquals(1, same.spearman, 1e-12);
	}
}
