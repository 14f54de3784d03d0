package io.github.explainij.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ij.ImagePlus;
import ij.ImageStack;
import ij.process.ByteProcessor;
import ij.process.ColorProcessor;
import ij.process.ShortProcessor;

import org.junit.jupiter.api.Test;

/** Every ImageJ image type becomes the same [X, Y, C] float image of raw values. */
class ImagePlusAdapterTest {

	@Test
	void rgbIsThreeChannels() {
		final ColorProcessor cp = new ColorProcessor(3, 2);
		cp.set(0, 0, 10 << 16 | 20 << 8 | 30);
		cp.set(2, 1, 255 << 16);
		final float[][] planes = ImagePlusAdapter.planes(ImagePlusAdapter.currentPlanes(new ImagePlus("rgb", cp)));
		assertEquals(3, planes.length);
		assertEquals(10, planes[0][0], 0);
		assertEquals(20, planes[1][0], 0);
		assertEquals(30, planes[2][0], 0);
		assertEquals(255, planes[0][5], 0);
	}

	@Test
	void compositeHyperstackTakesAllChannelsOfTheCurrentSliceAndFrame() {
		// 2 channels x 2 slices x 1 frame, each plane a constant telling where it came from
		final ImageStack stack = new ImageStack(4, 4);
		for (int z = 1; z <= 2; z++) {
			for (int c = 1; c <= 2; c++) {
				final ShortProcessor sp = new ShortProcessor(4, 4);
				sp.set(100 * z + c);
				stack.addSlice(sp);
			}
		}
		final ImagePlus imp = new ImagePlus("hyper", stack);
		imp.setDimensions(2, 2, 1);
		imp.setOpenAsHyperStack(true);
		imp.setPosition(1, 2, 1);
		final float[][] planes = ImagePlusAdapter.planes(ImagePlusAdapter.currentPlanes(imp));
		assertEquals(2, planes.length);
		assertEquals(201, planes[0][0], 0);
		assertEquals(202, planes[1][15], 0);
	}

	@Test
	void valuesAreCalibratedAndIgnoreTheDisplayRange() {
		final ByteProcessor bp = new ByteProcessor(2, 1, new byte[] { 0, (byte) 200 });
		final ImagePlus imp = new ImagePlus("8-bit", bp);
		imp.setDisplayRange(50, 100);
		imp.getCalibration().setFunction(ij.measure.Calibration.STRAIGHT_LINE, new double[] { 5, 2 }, "OD");
		// the values Analyze > Measure shows: 5 + 2 v
		assertArrayEquals(new float[] { 5, 405 }, ImagePlusAdapter.toChw(ImagePlusAdapter.currentPlanes(imp)), 0);
		imp.getCalibration().setFunction(ij.measure.Calibration.NONE, null, null);
		assertArrayEquals(new float[] { 0, 200 }, ImagePlusAdapter.toChw(ImagePlusAdapter.currentPlanes(imp)), 0);
	}

	@Test
	void sourceIsNotModified() {
		final ShortProcessor sp = new ShortProcessor(2, 2, new short[] { 1, 2, 3, 4 }, null);
		final ImagePlus imp = new ImagePlus("s", sp);
		final float[] values = ImagePlusAdapter.toChw(ImagePlusAdapter.currentPlanes(imp));
		values[0] = 99;
		assertEquals(1, sp.get(0));
	}
}
