package io.github.explainij.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import io.github.explainij.TestData;

import java.nio.file.Files;

import org.junit.jupiter.api.Test;

/**
 * PCA against NumPy's SVD of the centred data (make_inspect_folder_fixtures.py, "pca_matrix"), signs fixed
 * the same way (largest |loading| positive): a wide matrix (more features than samples: the Gram path)
 * and a tall one (the covariance path).
 */
class PcaTest {

	@Test
	void equalsNumpySvdOnWideAndTallMatrices() throws Exception {
		final JsonObject root = JsonParser.parseString(Files.readString(TestData.repo().resolve(
			"src/test/resources/fixtures/inspect/folder/references.json"))).getAsJsonObject();
		int cases = 0;
		for (final JsonElement e : root.getAsJsonArray("pca_matrix")) {
			final JsonObject o = e.getAsJsonObject();
			final double[][] data = matrix(o.getAsJsonArray("data"));
			final Pca pca = Pca.of(data, 2);
			assertEquals(2, pca.count());
			final double[][] components = matrix(o.getAsJsonArray("components"));
			for (int m = 0; m < 2; m++) {
				final double[] expected = doubles(o.getAsJsonArray("pc" + (m + 1)));
				for (int i = 0; i < data.length; i++) {
					assertEquals(expected[i], pca.score(i, m), 1e-9 + 1e-6 * Math.abs(expected[i]), "case " + cases + " pc" + (m + 1) + " row " + i);
				}
				final double[] loading = pca.component(m);
				for (int j = 0; j < loading.length; j++) assertEquals(components[m][j], loading[j], 1e-8, "case " + cases + " loading " + m + "," + j);
				assertEquals(o.getAsJsonArray("ratios").get(m).getAsDouble(), pca.explainedVarianceRatio(m), 1e-9, "ratio " + m);
			}
			cases++;
		}
		assertEquals(2, cases);
	}

	@Test
	void twoPointsOnALineHaveAllTheirVarianceOnTheFirstComponent() {
		// points (0, 0), (3, 4), (6, 8): centred (-3,-4), (0,0), (3,4); the component is (0.6, 0.8) (largest loading positive)
		final Pca pca = Pca.of(new double[][] { { 0, 0 }, { 3, 4 }, { 6, 8 } }, 2);
		assertEquals(0.6, pca.component(0)[0], 1e-12);
		assertEquals(0.8, pca.component(0)[1], 1e-12);
		assertEquals(-5, pca.score(0, 0), 1e-12);
		assertEquals(5, pca.score(2, 0), 1e-12);
		assertEquals(1, pca.explainedVarianceRatio(0), 1e-12);
		assertEquals(0, pca.explainedVarianceRatio(1), 1e-12);
	}

	static double[][] matrix(final JsonArray a) {
		final double[][] out = new double[a.size()][];
		for (int i = 0; i < a.size(); i++) out[i] = doubles(a.get(i).getAsJsonArray());
		return out;
	}

	static double[] doubles(final JsonArray a) {
		final double[] out = new double[a.size()];
		for (int i = 0; i < a.size(); i++) out[i] = a.get(i).getAsDouble();
		return out;
	}
}
