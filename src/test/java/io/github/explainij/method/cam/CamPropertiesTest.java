package io.github.explainij.method.cam;

import static io.github.explainij.TestData.assertRelativeClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.explainij.ExplainException;
import io.github.explainij.TestData;
import io.github.explainij.image.BilinearWeights;
import io.github.explainij.image.ImagePlusAdapter;
import io.github.explainij.method.ExplainRequest;
import io.github.explainij.method.Progress;
import io.github.explainij.model.Network;
import io.github.explainij.target.ScoreKind;
import io.github.explainij.target.TargetSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Relations that hold by hand, batch-size independence of Score-CAM, layer defaults and the messages
 * for layers and models a CAM cannot use.
 */
class CamPropertiesTest {

	@TempDir
	Path tmp;

	private static float[] layerMap(final ClassActivationMap m, final ExplainRequest r) {
		return ImagePlusAdapter.toChw(m.compute(r).atLayer().map());
	}

	/**
	 * On a GAP network the logit is sum_c W[k,c] mean(F_c) + b: Grad-CAM's weights are W[k,c] / (h*w), so
	 * CAM == (h*w) Grad-CAM (without ReLU), and the CAM's spatial mean plus the bias is the logit.
	 */
	@Test
	void camIsGradCamTimesLayerAreaOnGapModels() {
		for (final String name : new String[] { "gap_relu3_foci_logit", "shortcut_relu3_mitotic_logit" }) {
			final CamFixture f = CamFixture.load(name);
			final ExplainRequest r = f.request();
			final int area = f.layerHeight() * f.layerWidth();
			final float[] cam = layerMap(new Cam("", false), r);
			final float[] grad = layerMap(new GradCam("", false), r);
			for (int i = 0; i < grad.length; i++) grad[i] *= area;
			assertRelativeClose(cam, grad, 1e-4, name + " CAM vs h*w Grad-CAM");
			// Grad-CAM's weights are W[k, :] / (h*w): W from CAM's autograd of the linear tail
			final Cam zhou = new Cam("", false);
			final LayerActivations a = LayerActivations.at(r, r.network().stageIndex("relu3"), false, "CAM");
			final float[] w = zhou.weights(a, r, f.target);
			final float[] scaled = f.gradCamWeights.clone();
			for (int i = 0; i < scaled.length; i++) scaled[i] *= area;
			assertRelativeClose(w, scaled, 1e-4, name + " W[k,:] == (h*w) grad-cam weights");
			double mean = 0;
			for (final float v : cam) mean += v;
			mean /= cam.length;
			assertEquals(f.logits[f.target], mean + f.camBias, 1e-4 * Math.abs(f.logits[f.target]), name + " mean(CAM) + b == logit");
		}
	}

	@Test
	void camAtTheConvolutionUsesTheRectifiedFeaturesTheGapAverages() {
		final CamFixture f = CamFixture.load("gap_relu3_foci_logit");
		final ClassActivationMap.Maps conv = new Cam("conv3", false).compute(f.request());
		assertArrayEquals(layerMap(new Cam("relu3", false), f.request()), ImagePlusAdapter.toChw(conv.atLayer().map()));
		assertEquals("conv3", conv.atImage().parameters().get("layer"));
		assertEquals("relu3", conv.atImage().results().get("cam_features"));
		assertTrue(conv.atImage().signed());
		// relu=true is the rectified map
		final float[] rect = layerMap(new Cam("relu3", true), f.request());
		final float[] raw = layerMap(new Cam("relu3", false), f.request());
		for (int i = 0; i < raw.length; i++) assertEquals(Math.max(0, raw[i]), rect[i]);
	}

	@Test
	void scoreCamGivesTheSameNumbersForAnyBatchSize() {
		final CamFixture f = CamFixture.load("gap_relu3_foci_logit");
		final float[] ref = layerMap(new ScoreCam("", true, 0), f.request());
		for (final int b : new int[] { 1, 7, 64 }) {
			assertRelativeClose(ref, layerMap(new ScoreCam("", true, b), f.request()), 1e-6, "batch size " + b);
		}
	}

	@Test
	void scoreCamReportsProgressPerBatchAndStopsWhenCancelled() {
		final CamFixture f = CamFixture.load("gap_relu3_foci_logit");
		final List<int[]> steps = new ArrayList<>();
		final Progress record = new Progress() {

			@Override
			public void update(final int done, final int total) {
				steps.add(new int[] { done, total });
			}

			@Override
			public boolean isCanceled() {
				return steps.size() >= 2;
			}
		};
		final ExplainRequest r = new ExplainRequest(f.network(), f.image, TargetSpec.index(3), ScoreKind.LOGIT, record);
		assertThrows(Progress.Cancelled.class, () -> new ScoreCam("", true, 16).compute(r));
		assertEquals(2, steps.size());
		assertArrayEquals(new int[] { 16, 64 }, steps.get(0));
		assertArrayEquals(new int[] { 32, 64 }, steps.get(1));
	}

	@Test
	void upsamplingIsPyTorchBilinear() {
		// align_corners=False: a 2x2 map to 4x4 is Wh . M . Ww^T with BilinearWeights
		final float[] m = { 1, 2, 3, 5 };
		final float[] up = Upsampling.bilinear(m, 2, 2, 4, 4);
		final float[] w = BilinearWeights.matrix(2, 4);
		for (int i = 0; i < 4; i++) {
			for (int j = 0; j < 4; j++) {
				double s = 0;
				for (int y = 0; y < 2; y++) for (int x = 0; x < 2; x++) s += w[i * 2 + y] * m[y * 2 + x] * w[j * 2 + x];
				assertEquals(s, up[i * 4 + j], 1e-6);
			}
		}
		assertEquals(1f, up[0], 1e-6); // corners clamp
		assertEquals(1.25f, up[1], 1e-6); // 0.75 * 1 + 0.25 * 2
		// align_corners=True (UpsamplingBilinear2d): corners are kept, 2 -> 3 samples are 0, 0.5, 1
		assertArrayEquals(new float[] { 0, 0.5f, 1 }, Upsampling.bilinearAlignCorners(new float[] { 0, 1 }, 1, 2, 1, 3));
		assertArrayEquals(new float[] { 1, 2, 3, 5 }, Upsampling.bilinear(m, 2, 2, 2, 2));
	}

	@Test
	void defaultLayerIsTheSidecarsOrTheLastConvolutionsRelu() throws IOException {
		assertEquals("relu3", ClassActivationMap.defaultLayer(TestData.network(TestData.model("cells-gap"))));
		assertEquals("relu2", ClassActivationMap.defaultLayer(TestData.network(TestData.model("cells-bn"))));
		Files.copy(TestData.testModel("tiny-rgb"), tmp.resolve("nosidecar.pt"));
		try (Network bare = Network.load(tmp.resolve("nosidecar.pt"), ai.djl.Device.cpu())) {
			assertEquals(null, bare.spec().camLayer());
			assertEquals("relu2", ClassActivationMap.defaultLayer(bare)); // conv2 is followed by relu2
		}
	}

	private static ExplainRequest gapRequest() {
		final CamFixture f = CamFixture.load("gap_relu3_foci_logit");
		return f.request();
	}

	@Test
	void unknownLayerListsTheStages() {
		final ExplainException e = assertThrows(ExplainException.class, () -> new GradCam("conv9", true).explain(gapRequest()));
		assertTrue(e.getMessage().contains("no stage 'conv9'") && e.getMessage().contains("relu3, gap, flatten, fc"), e.getMessage());
	}

	@Test
	void stageWithoutFeatureMapIsRefused() {
		final ExplainException e = assertThrows(ExplainException.class, () -> new GradCam("flatten", true).explain(gapRequest()));
		assertTrue(e.getMessage().contains("Grad-CAM needs a stage whose output is a feature map [B, C, h, w]; stage 'flatten' outputs (1, 64)"),
			e.getMessage());
		assertTrue(e.getMessage().contains("[conv1, relu1, pool1, conv2, relu2, pool2, conv3, relu3, gap]"), e.getMessage());
	}

	@Test
	void camRefusesHeadsOtherThanGapAndOneLinearLayer() {
		final CamFixture bn = CamFixture.load("bn_relu2_apoptotic_logit");
		final ExplainException e = assertThrows(ExplainException.class, () -> new Cam("", false).explain(bn.request()));
		assertTrue(e.getMessage().contains("global average pooling, flatten and ONE linear layer") &&
			e.getMessage().contains("[pool2, flatten, fc1, relu4, drop, fc2]") && e.getMessage().contains("Use Grad-CAM"), e.getMessage());
		final ExplainException mid = assertThrows(ExplainException.class, () -> new Cam("relu2", false).explain(gapRequest()));
		assertTrue(mid.getMessage().contains("after 'relu2'"), mid.getMessage());
	}

	@Test
	void camRefusesProbability() {
		final CamFixture f = CamFixture.load("gap_relu3_foci_logit");
		final ExplainRequest p = new ExplainRequest(f.network(), f.image, TargetSpec.index(3), ScoreKind.PROBABILITY);
		final ExplainException e = assertThrows(ExplainException.class, () -> new Cam("", false).explain(p));
		assertTrue(e.getMessage().contains("use score=logit"), e.getMessage());
	}

	@Test
	void modelWithoutConvolutionNeedsAChosenLayer() {
		final Network linear = TestData.network(TestData.testModel("linear-8x8"));
		final ExplainException e = assertThrows(ExplainException.class, () -> ClassActivationMap.defaultLayer(linear));
		assertTrue(e.getMessage().contains("choose the layer (parameter layer)"), e.getMessage());
	}

	@Test
	void negativeBatchSizeIsRefused() {
		final ExplainException e = assertThrows(ExplainException.class, () -> new ScoreCam("", true, -2));
		assertTrue(e.getMessage().contains("batch_size must be 0 (automatic) or positive"), e.getMessage());
	}
}
