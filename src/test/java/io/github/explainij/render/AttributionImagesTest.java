package io.github.explainij.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import ij.process.FloatProcessor;

import io.github.explainij.TestData;
import io.github.explainij.method.Attribution;

import java.util.List;
import java.util.Map;

import net.imglib2.img.array.ArrayImgs;

import org.junit.jupiter.api.Test;

class AttributionImagesTest {

	@Test
	void stackSlicesResultsAndDisplayRange() {
		final float[] v = new float[4 * 3 * 2];
		for (int i = 0; i < v.length; i++) v[i] = i - 10;
		final Attribution a = new Attribution(ArrayImgs.floats(v, 4, 3, 2), "Test Method", 1, "b", 2.5f, new float[] { 0, 2.5f, 1 }, true,
			Map.of("steps", "50"), Map.of("completeness_gap", "0.001"), List.of("alpha 0.5", "alpha 1.0"));
		final ImagePlus source = new ImagePlus("src.tif", new FloatProcessor(4, 3));
		final ImagePlus out = AttributionImages.toImage(a, source, TestData.network(TestData.testModel("linear-8x8")), Map.of("device", "cpu()"));
		assertEquals("Test Method of src.tif (b)", out.getTitle());
		assertEquals(2, out.getStackSize());
		assertEquals("alpha 1.0", out.getStack().getSliceLabel(2));
		assertEquals("0.001", out.getProp("completeness_gap"));
		assertEquals("50", out.getProp("steps"));
		assertEquals("1", out.getProp("predicted_class"));
		assertTrue(((String) out.getProperty("Info")).contains("completeness_gap: 0.001"));
		// signed maps are shown symmetric about zero
		assertEquals(-out.getDisplayRangeMax(), out.getDisplayRangeMin(), 0);
		assertEquals(3, ((float[]) out.getStack().getPixels(2))[1], 0); // value 13 - 10, raw
		// the colour bar is on the overlay, at the display bound (|values| 0..13, 24 of them: index floor(0.995 * 23) = 22 of the sorted magnitudes is 12)
		assertEquals(12, out.getDisplayRangeMax(), 0);
		final java.util.List<String> labels = new java.util.ArrayList<>();
		for (final ij.gui.Roi r : out.getOverlay()) {
			assertEquals(ColourBar.NAME, r.getName());
			if (r instanceof ij.gui.TextRoi) labels.add(((ij.gui.TextRoi) r).getText().strip());
		}
		assertEquals(java.util.List.of("+12", "0", "-12"), labels);
		assertEquals("red raises the score, blue lowers it; the colour bar (overlay 'Colour bar') saturates at +/-12, the 99.5th percentile of |value|",
			out.getProp("colours"));
	}
}
