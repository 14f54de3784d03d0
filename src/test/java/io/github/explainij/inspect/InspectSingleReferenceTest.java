package io.github.explainij.inspect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.IJ;
import ij.ImagePlus;

import io.github.explainij.ExplainException;
import io.github.explainij.TestData;
import io.github.explainij.image.ImagePlusAdapter;
import io.github.explainij.model.Network;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/**
 * Feature maps, filters, receptive fields and the deconvnet projection of one activation against
 * independent references: PyTorch's forward_layers and state_dict of the same .pt files, and Captum's
 * NeuronDeconvolution (src/test/python/make_inspect_single_fixtures.py), on images and stages no other
 * test uses; receptive fields against values computed by hand from the architectures in models/train_models.py.
 */
class InspectSingleReferenceTest {

	private static final Path FIXTURES = TestData.repo().resolve("src/test/resources/fixtures/inspect/single");

	private static JsonObject json(final String name) throws Exception {
		return JsonParser.parseString(Files.readString(FIXTURES.resolve(name + ".json"))).getAsJsonObject();
	}

	/** A fixture's float32 TIFF [N, H, W] as one row-major array. */
	private static float[] tiff(final String name) {
		final ImagePlus imp = IJ.openImage(FIXTURES.resolve(name + ".tif").toString());
		final int n = imp.getWidth() * imp.getHeight();
		final float[] v = new float[imp.getStackSize() * n];
		for (int s = 0; s < imp.getStackSize(); s++) {
			System.arraycopy((float[]) imp.getStack().getProcessor(s + 1).convertToFloat().getPixels(), 0, v, s * n, n);
		}
		return v;
	}

	private static float[][] planes(final JsonObject o) {
		return ImagePlusAdapter.planes(ImagePlusAdapter.currentPlanes(IJ.openImage(TestData.repo().resolve(o.get("image").getAsString()).toString())));
	}

	private static Network net(final String modelPath) {
		return TestData.network(TestData.repo().resolve(modelPath));
	}

	// ---- feature maps ----

	@Test
	void featureMapsEqualPyTorchsForwardLayers() throws Exception {
		final JsonObject o = json("feature_maps_bn_relu2");
		final FeatureMaps maps = FeatureMaps.of(net(o.get("model").getAsString()), planes(o), 64, 64, "relu2");
		assertEquals(16, maps.channels());
		assertEquals(32, maps.height());
		assertEquals(32, maps.width());
		final float[] expected = tiff("feature_maps_bn_relu2");
		final float[] actual = new float[expected.length];
		for (int c = 0; c < 16; c++) System.arraycopy(maps.channel(c), 0, actual, c * 32 * 32, 32 * 32);
		TestData.assertRelativeClose(expected, actual, 1e-5, "cells-bn relu2 on cells-shortcut mitotic_004");
		for (int c = 0; c < 16; c++) {
			final double mean = o.getAsJsonArray("mean").get(c).getAsDouble(), max = o.getAsJsonArray("max").get(c).getAsDouble();
			assertEquals(mean, maps.mean(c), 1e-5 * Math.max(1, Math.abs(mean)), "mean of channel " + c);
			assertEquals(max, maps.max(c), 1e-5 * Math.max(1, Math.abs(max)), "max of channel " + c);
			assertEquals(o.getAsJsonArray("fraction_zero").get(c).getAsDouble(), maps.fractionZero(c), 1e-12, "fraction of zeros of channel " + c);
		}
	}

	@Test
	void featureMapsRefuseAFlatStageNamingTheSpatialOnes() throws Exception {
		final JsonObject o = json("feature_maps_bn_relu2");
		final ExplainException e = assertThrows(ExplainException.class,
			() -> FeatureMaps.of(net("models/cells-bn.pt"), planes(o), 64, 64, "fc1"));
		assertEquals("the stage 'fc1' has no spatial maps (its output is (64)): choose one of " +
			"[conv1, bn1, relu1, pool1, conv2, bn2, relu2, pool2]", e.getMessage());
	}

	// ---- filters ----

	private static void assertFiltersEqual(final String fixture, final String layer) throws Exception {
		final JsonObject o = json(fixture);
		final Filters f = Filters.of(net(o.get("model").getAsString()), layer);
		final int[] shape = TestData.ints(o.getAsJsonArray("shape"));
		assertArrayEquals(shape, new int[] { f.outChannels(), f.inChannels(), f.kernelHeight(), f.kernelWidth() });
		final float[] expected = tiff(fixture);
		final int k = f.kernelHeight() * f.kernelWidth();
		for (int out = 0; out < f.outChannels(); out++) {
			for (int in = 0; in < f.inChannels(); in++) {
				final float[] kernel = f.kernel(out, in);
				for (int j = 0; j < k; j++) {
					assertEquals(expected[(out * f.inChannels() + in) * k + j], kernel[j], 0.0, "kernel [" + out + ", " + in + "] value " + j);
				}
			}
			for (final String stat : new String[] { "mean", "std", "min", "max", "l2" }) {
				final double e = o.getAsJsonArray(stat).get(out).getAsDouble();
				final double a = stat.equals("mean") ? f.mean(out) : stat.equals("std") ? f.std(out) : stat.equals("min") ? f.min(out)
					: stat.equals("max") ? f.max(out) : f.l2(out);
				assertEquals(e, a, 1e-9 + 1e-7 * Math.abs(e), stat + " of output channel " + out);
			}
			assertEquals(o.getAsJsonArray("bias").get(out).getAsFloat(), (float) f.bias(out), 0.0, "bias " + out);
		}
	}

	@Test
	void filtersEqualTheWeightsPyTorchReads() throws Exception {
		assertFiltersEqual("filters_gap_conv2", "conv2");
		assertFiltersEqual("filters_rgb_conv1", "conv1");
	}

	@Test
	void firstConvolutionMontagesAreTheKernelsEnlarged() throws Exception {
		final Filters rgb = Filters.of(net("src/test/resources/models/tiny-rgb.pt"), "conv1");
		assertTrue(rgb.isFirst());
		final int s = rgb.montageScale(); // 24 / 3 = 8
		assertEquals(8, s);
		assertEquals(4, rgb.montageTiles()); // one colour tile per output channel, 2 x 2
		assertEquals(2 * 3 * s + Filters.MONTAGE_GAP, rgb.montageWidth());
		final int[] m = rgb.rgbMontage();
		final float[] w = tiff("filters_rgb_conv1");
		float lo = Float.POSITIVE_INFINITY, hi = Float.NEGATIVE_INFINITY;
		for (final float v : w) {
			lo = Math.min(lo, v);
			hi = Math.max(hi, v);
		}
		// output channel 3 (bottom right), kernel position (row 2, column 1)
		final int px = 3 * s + Filters.MONTAGE_GAP + 1 * s + 3, py = 3 * s + Filters.MONTAGE_GAP + 2 * s + 5;
		final int rgbValue = m[py * rgb.montageWidth() + px];
		for (int c = 0; c < 3; c++) {
			final int expected = Math.round(255 * (w[(3 * 3 + c) * 9 + 2 * 3 + 1] - lo) / (hi - lo));
			assertEquals(expected, (rgbValue >> (8 * (2 - c))) & 0xff, "colour channel " + c);
		}
		assertEquals(0, m[3 * s * rgb.montageWidth()], "the gap between tiles is black");

		final Filters grey = Filters.of(net("models/cells-gap.pt"), "conv1");
		assertTrue(grey.isFirst());
		assertFalse(Filters.of(net("models/cells-gap.pt"), "conv2").isFirst());
		assertEquals(16, grey.montageTiles());
		final float[] g = grey.greyMontage();
		// kernel [6, 0] is tile 6: row 1, column 2 of a 4 x 4 grid; its weight (1, 2)
		assertEquals(grey.kernel(6, 0)[1 * 3 + 2], g[(1 * (3 * s + 2) + s + 1) * grey.montageWidth() + 2 * (3 * s + 2) + 2 * s + 7], 0.0);
	}

	@Test
	void filtersRefuseAStageThatIsNotAConvolution() {
		final ExplainException e = assertThrows(ExplainException.class, () -> Filters.of(net("models/cells-gap.pt"), "relu2"));
		assertEquals("the stage 'relu2' is not a convolution (its kind is relu): filters shows the weights of a convolutional stage; " +
			"choose one of [conv1, conv2, conv3]", e.getMessage());
	}

	// ---- receptive fields ----

	private static float[][] cells64() {
		return ImagePlusAdapter.planes(ImagePlusAdapter.currentPlanes(TestData.openSample("cells-shortcut", "interphase_005")));
	}

	/** {x0, y0, x1, y1 (clipped), width, height (unclipped)} and how it was found. */
	private static void assertField(final Network net, final String layer, final int x, final int y, final int[] expected, final String foundBy) {
		final ReceptiveField rf = ReceptiveField.of(net, cells64(), 64, 64, layer, x, y);
		assertArrayEquals(expected, new int[] { rf.x0(), rf.y0(), rf.x1(), rf.y1(), rf.width(), rf.height() }, layer + " at (" + x + ", " + y + ")");
		assertEquals(foundBy, rf.foundBy(), layer + ": " + rf.why());
	}

	@Test
	void receptiveFieldsEqualTheHandComputedValues() {
		final Network gap = net("models/cells-gap.pt");
		// conv1 3x3 pad 1: x - 1 .. x + 1
		assertField(gap, "conv1", 10, 20, new int[] { 9, 19, 11, 21, 3, 3 }, ReceptiveField.ANALYTIC);
		// after pool1 (2x2): jump 2, size 4, offset 1: 2x - 1 .. 2x + 2 (row -1 clipped)
		assertField(gap, "pool1", 5, 0, new int[] { 9, 0, 12, 2, 4, 4 }, ReceptiveField.ANALYTIC);
		// conv2: size 8, offset 3: 2x - 3 .. 2x + 4
		assertField(gap, "conv2", 11, 14, new int[] { 19, 25, 26, 32, 8, 8 }, ReceptiveField.ANALYTIC);
		// pool2: jump 4, size 10, offset 3: 4x - 3 .. 4x + 6 (66 clipped to 63)
		assertField(gap, "pool2", 15, 15, new int[] { 57, 57, 63, 63, 10, 10 }, ReceptiveField.ANALYTIC);
		// relu3 = conv3: size 18, offset 7: 4x - 7 .. 4x + 10
		assertField(gap, "relu3", 0, 7, new int[] { 0, 21, 10, 38, 18, 18 }, ReceptiveField.ANALYTIC);
		final Network bn = net("models/cells-bn.pt");
		// batch norm keeps positions; relu2 = conv2 after pool1: 2x - 3 .. 2x + 4
		assertField(bn, "relu2", 3, 5, new int[] { 3, 7, 10, 14, 8, 8 }, ReceptiveField.ANALYTIC);
		// pool2 = MaxPool2d(4): jump 8, size 8 + 3 * 2 = 14, offset 3: 8x - 3 .. 8x + 10
		assertField(bn, "pool2", 7, 0, new int[] { 53, 0, 63, 10, 14, 14 }, ReceptiveField.ANALYTIC);
	}

	@Test
	void aResizedImageHasTheRectangleMappedThroughTheResize() {
		// cells-bn takes 64 x 64: a 96 x 96 image is resized by 2/3; relu2 at (3, 5) sees network-input columns 3 .. 10,
		// rows 7 .. 14, which bilinear resizing (align_corners=False) reads from image columns floor(3.5 * 1.5 - 0.5) = 4 ..
		// floor(10.5 * 1.5 - 0.5) + 1 = 16 and rows 10 .. 22
		final float[][] planes = new float[1][96 * 96];
		final java.util.Random random = new java.util.Random(3);
		for (int i = 0; i < planes[0].length; i++) planes[0][i] = 200 + 100 * random.nextFloat();
		final ReceptiveField rf = ReceptiveField.of(net("models/cells-bn.pt"), planes, 96, 96, "relu2", 3, 5);
		assertEquals(ReceptiveField.ANALYTIC, rf.foundBy(), rf.why());
		assertArrayEquals(new int[] { 4, 10, 16, 22, 8, 8 }, new int[] { rf.x0(), rf.y0(), rf.x1(), rf.y1(), rf.width(), rf.height() });
	}

	@Test
	void gradientSupportEqualsTheAnalyticRectangle() {
		final Network gap = net("models/cells-gap.pt");
		final float[][] planes = cells64();
		final io.github.explainij.model.InputTransform t = gap.transformFor(planes);
		final ai.djl.ndarray.types.Shape raw = new ai.djl.ndarray.types.Shape(1, 1, 64, 64);
		assertArrayEquals(new int[] { 19, 25, 26, 32 }, ReceptiveField.gradientSupport(gap, ImagePlusAdapter.chw(planes), raw, t, 3, 11, 14), "conv2");
		assertArrayEquals(new int[] { 25, 33, 34, 42 }, ReceptiveField.gradientSupport(gap, ImagePlusAdapter.chw(planes), raw, t, 5, 7, 9), "pool2");
		assertArrayEquals(new int[] { 0, 21, 10, 38 }, ReceptiveField.gradientSupport(gap, ImagePlusAdapter.chw(planes), raw, t, 7, 0, 7), "relu3");
	}

	@Test
	void aStageOfUnknownGeometryFallsBackToTheGradient() {
		// conv1 3x3 pad 1, relu1, then a Tanh stage (kind "other")
		final ReceptiveField rf = ReceptiveField.of(net("src/test/resources/models/other-stage.pt"), cells64(), 64, 64, "tanh", 10, 30);
		assertEquals(ReceptiveField.GRADIENT, rf.foundBy());
		assertEquals("stage 'tanh' is of kind other, whose geometry is not known", rf.why());
		assertArrayEquals(new int[] { 9, 29, 11, 31, 3, 3 }, new int[] { rf.x0(), rf.y0(), rf.x1(), rf.y1(), rf.width(), rf.height() });
		assertNull(ReceptiveField.of(net("src/test/resources/models/other-stage.pt"), cells64(), 64, 64, "relu1", 10, 30).why());
	}

	@Test
	void positionsOutsideTheStageGridAreRefused() {
		final ExplainException e = assertThrows(ExplainException.class,
			() -> ReceptiveField.of(net("models/cells-gap.pt"), cells64(), 64, 64, "pool2", 16, 0));
		assertEquals("x must be 0 .. 15 on the grid of stage 'pool2' (16 positions), not 16", e.getMessage());
		final ExplainException flat = assertThrows(ExplainException.class,
			() -> ReceptiveField.of(net("models/cells-gap.pt"), cells64(), 64, 64, "fc", 0, 0));
		assertTrue(flat.getMessage().startsWith("the stage 'fc' has no spatial grid (its output is (4)): choose one of [conv1, "), flat.getMessage());
	}

	// ---- deconvnet projection of one activation ----

	private static void assertMatchesCaptum(final String fixture) throws Exception {
		final JsonObject o = json(fixture);
		final UnitDeconvnet d = UnitDeconvnet.of(net(o.get("model").getAsString()),
			ImagePlusAdapter.currentPlanes(IJ.openImage(TestData.repo().resolve(o.get("image").getAsString()).toString())),
			o.get("layer").getAsString(), o.get("channel").getAsInt(), o.get("x").getAsInt(), o.get("y").getAsInt());
		TestData.assertRelativeClose(tiff(fixture), d.map(), 1e-4, fixture);
		assertEquals(o.get("activation").getAsFloat(), d.activation(), 1e-5 * Math.abs(o.get("activation").getAsFloat()));
	}

	@Test
	void unitDeconvnetEqualsCaptumsNeuronDeconvolution() throws Exception {
		assertMatchesCaptum("deconvnet_unit_gap_relu2");
		assertMatchesCaptum("deconvnet_unit_bn_pool1");
	}

	@Test
	void unitDeconvnetRefusesAChannelOutsideTheStage() {
		final ExplainException e = assertThrows(ExplainException.class, () -> UnitDeconvnet.of(net("models/cells-gap.pt"),
			ImagePlusAdapter.currentPlanes(TestData.openSample("cells-shortcut", "interphase_005")), "relu2", 32, 0, 0));
		assertEquals("channel must be 0 .. 31 (the stage 'relu2' has 32 channels), not 32", e.getMessage());
	}
}
