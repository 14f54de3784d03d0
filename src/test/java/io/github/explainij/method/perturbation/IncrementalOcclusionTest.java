package io.github.explainij.method.perturbation;

import static io.github.explainij.TestData.assertRelativeClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import io.github.explainij.ExplainException;
import io.github.explainij.TestData;
import io.github.explainij.image.ImagePlusAdapter;
import io.github.explainij.method.ExplainRequest;
import io.github.explainij.method.Progress;
import io.github.explainij.target.Region;
import io.github.explainij.target.ScoreKind;
import io.github.explainij.target.TargetSpec;

import ij.IJ;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Occlusion by incremental inference against Captum's Occlusion (make_incremental_fixtures.py and
 * make_perturbation_fixtures.py) and against a full pass per window, on stride-2 and dilated
 * convolutions, max pooling (with padding, in ceil mode), batch norm, a dense head, a stage run in full
 * half-way, and a region of a segmentation network (no global stage: the rest runs in full).
 */
class IncrementalOcclusionTest {

	private static OcclusionSensitivity occlusion(final int window, final int stride, final String fill, final int batch,
		final String incremental)
	{
		return new OcclusionSensitivity(window, stride, 1, 1, Fill.parse(fill, 0, false), batch, incremental);
	}

	private static JsonObject fixture(final String name) {
		try {
			return JsonParser.parseString(Files.readString(TestData.repo().resolve("src/test/resources/fixtures/incremental/" + name + ".json"),
				StandardCharsets.UTF_8)).getAsJsonObject();
		}
		catch (final IOException e) {
			throw new IllegalStateException("missing fixture " + name, e);
		}
	}

	/** Runs both ways; asserts the incremental run was incremental and equals the full one; returns the incremental result. */
	private static OcclusionSensitivity.Result bothWays(final ExplainRequest request, final int window, final int stride, final String fill,
		final String expectedPlan)
	{
		final OcclusionSensitivity.Result on = occlusion(window, stride, fill, 0, OcclusionSensitivity.INCREMENTAL_ON).explainWithWindows(request);
		final OcclusionSensitivity.Result off = occlusion(window, stride, fill, 0, OcclusionSensitivity.INCREMENTAL_OFF).explainWithWindows(request);
		assertEquals(expectedPlan, on.attribution().results().get("incremental_inference"));
		assertEquals("no (incremental=off)", off.attribution().results().get("incremental_inference"));
		assertRelativeClose(ImagePlusAdapter.toChw(off.attribution().map()), ImagePlusAdapter.toChw(on.attribution().map()), 1e-4,
			"incremental against full passes");
		assertRelativeClose(off.windowMap(), on.windowMap(), 1e-4, "window map, incremental against full passes");
		return on;
	}

	@ParameterizedTest
	@ValueSource(strings = { "incr_stride2_zero", "incr_pool_bn_mean", "incr_avgpool_zero" })
	void equalsCaptumAndFullPassesOnStridesPoolingBatchNormAndDenseHead(final String name) {
		final JsonObject f = fixture(name);
		final ExplainRequest request = new ExplainRequest(TestData.network(TestData.repo().resolve(f.get("model").getAsString())),
			TestData.fixtureImage(f, "input_shape"), TargetSpec.index(f.get("target").getAsInt()), ScoreKind.LOGIT);
		final String plan = name.equals("incr_stride2_zero") ? "yes (conv1..relu3 by patches, global mean gap updated, flatten..fc in full)"
			: name.equals("incr_pool_bn_mean") ? "yes (conv1..pool2 by patches, flatten..fc2 in full)"
			// average pooling that does not count its padding: no margin stands for it, its patches are cut at the border
			: "yes (conv1..relu2 (pool1 cut at the border) by patches, global mean gap updated, flatten..fc in full)";
		final OcclusionSensitivity.Result r = bothWays(request, f.get("window").getAsInt(), f.get("stride").getAsInt(), f.get("fill").getAsString(),
			plan);
		assertRelativeClose(TestData.floats(f.getAsJsonArray("attribution")), ImagePlusAdapter.toChw(r.attribution().map()), 1e-4, name);
	}

	@ParameterizedTest
	@ValueSource(strings = { "occ_gap_logit", "occ_gap_prob_edges", "occ_bn_percentile", "occ_rgb_value" })
	void equalsTheCaptumOcclusionFixtures(final String name) {
		final PerturbationFixture f = PerturbationFixture.load(name);
		final OcclusionSensitivity.Result r = new OcclusionSensitivity(f.integer("window"), f.integer("stride"), 1, 1,
			Fill.parse(f.text("fill"), f.number("fill_value"), false), 0, OcclusionSensitivity.INCREMENTAL_ON).explainWithWindows(f.request());
		assertTrue(r.attribution().results().get("incremental_inference").startsWith("yes ("), r.attribution().results().toString());
		assertRelativeClose(f.floats("attribution"), ImagePlusAdapter.toChw(r.attribution().map()), 1e-4, name + " attribution");
		assertRelativeClose(f.floats("window_map"), r.windowMap(), 1e-4, name + " window map");
	}

	/** On 37x45 the last convolution's reach covers most of its output: it and the rest run in full. */
	@Test
	void aStageTheWindowsMostlyCoverRunsInFull() {
		final float[] pixels = new float[37 * 45];
		for (int i = 0; i < pixels.length; i++) pixels[i] = (float) Math.sin(i * 0.37) * 2 + (i % 45) * 0.05f;
		final ExplainRequest request = new ExplainRequest(TestData.network(TestData.testModel("incr-stride2")),
			ImagePlusAdapter.fromPlanes(new float[][] { pixels }, 45, 37), TargetSpec.index(1), ScoreKind.PROBABILITY);
		bothWays(request, 8, 3, "mean", "yes (conv1..pool2 by patches, conv3..fc in full)");
	}

	/**
	 * A region of the U-Net-like segmentation network: its output is dense, no stage is global, and the
	 * upsampling stages (whose reach is not measured) and everything after them run in full.
	 */
	@Test
	void aRegionOfASegmentationNetwork() {
		final ij.ImagePlus imp = IJ.openImage(TestData.sample("cells", "mitotic_001").toString());
		final float[] mask = new float[imp.getWidth() * imp.getHeight()];
		for (int y = 20; y < 44; y++) for (int x = 16; x < 40; x++) mask[y * imp.getWidth() + x] = 1;
		final ExplainRequest request = new ExplainRequest(TestData.network(TestData.model("cells-unet")), ImagePlusAdapter.currentPlanes(imp),
			TargetSpec.index(2), ScoreKind.LOGIT, Region.of(mask, new int[] { imp.getHeight(), imp.getWidth() }, Region.Reduce.MEAN, "box"),
			Progress.NONE);
		bothWays(request, 16, 8, "zero", "yes (conv1..relu4 by patches, up1..head in full)");
	}

	@Test
	void sameNumbersForEveryBatchSize() {
		final PerturbationFixture f = PerturbationFixture.load("occ_gap_prob_edges");
		final float[] auto = ImagePlusAdapter.toChw(new OcclusionSensitivity(f.integer("window"), f.integer("stride"), 1, 1,
			Fill.parse(f.text("fill"), f.number("fill_value"), false), 0, OcclusionSensitivity.INCREMENTAL_ON).explain(f.request()).map());
		for (final int batch : new int[] { 30, 64 }) {
			final float[] map = ImagePlusAdapter.toChw(new OcclusionSensitivity(f.integer("window"), f.integer("stride"), 1, 1,
				Fill.parse(f.text("fill"), f.number("fill_value"), false), batch, OcclusionSensitivity.INCREMENTAL_ON).explain(f.request()).map());
			assertRelativeClose(auto, map, 1e-5, "batch " + batch);
		}
	}

	@Test
	void onRefusesWhereTheModelDoesNotAllowItAutoFallsBack() {
		final PerturbationFixture resized = PerturbationFixture.load("occ_bn_resized_blur");
		final ExplainException e = assertThrows(ExplainException.class, () -> new OcclusionSensitivity(resized.integer("window"),
			resized.integer("stride"), 1, 1, Fill.parse(resized.text("fill"), resized.number("fill_value"), false), 0,
			OcclusionSensitivity.INCREMENTAL_ON).explain(resized.request()));
		assertEquals("incremental occlusion is not possible here: the model resizes the image to 64x64. Choose incremental=auto or off",
			e.getMessage());
		final ExplainRequest plain = new ExplainRequest(TestData.network(TestData.testModel("plain-linear")),
			ImagePlusAdapter.fromPlanes(new float[][] { new float[64] }, 8, 8), TargetSpec.index(0), ScoreKind.LOGIT);
		assertEquals("no (the model does not expose usable stages)", occlusion(4, 2, "zero", 0, OcclusionSensitivity.INCREMENTAL_AUTO)
			.explain(plain).results().get("incremental_inference"));
		final ExplainRequest flattenFirst = new ExplainRequest(TestData.network(TestData.testModel("linear-8x8")),
			ImagePlusAdapter.fromPlanes(new float[][] { new float[64] }, 8, 8), TargetSpec.index(0), ScoreKind.LOGIT);
		assertEquals("incremental occlusion is not possible here: the first stage, flatten (flatten), cannot be patched. " +
			"Choose incremental=auto or off", assertThrows(ExplainException.class,
				() -> occlusion(4, 2, "zero", 0, OcclusionSensitivity.INCREMENTAL_ON).explain(flattenFirst)).getMessage());
		assertEquals("incremental must be auto, on or off, not 'yes'",
			assertThrows(ExplainException.class, () -> occlusion(4, 2, "zero", 0, "yes")).getMessage());
	}

	/** Reaches measured on a probe of 10 inputs, as a 3-wide stride-2 stage padded by 1 gives them. */
	@Test
	void geometryFromReaches() {
		final StageGeometry truth = new StageGeometry(3, 2, 1);
		final int out = 5;
		final int[] first = new int[10], last = new int[10];
		for (int t = 0; t < 10; t++) {
			first[t] = Math.max(0, truth.firstReached(t));
			last[t] = Math.min(out - 1, truth.lastReached(t));
		}
		assertEquals("kernel 3, stride 2, padding 1", String.valueOf(StageGeometry.fit(first, last, out)));
		// inputs 0 and 1 reach output 0, input 2 outputs 0 and 1, ...: 3 outputs for 4 changed inputs at worst
		assertEquals(3, truth.reach(4));
		assertEquals(0, truth.patchStart(0, true));
		assertEquals(-2, truth.patchStart(0, false));
		assertEquals(2, truth.patchStart(2, true));
		// reaches no geometry gives: every input reaching every output
		java.util.Arrays.fill(first, 0);
		java.util.Arrays.fill(last, out - 1);
		assertNull(StageGeometry.fit(first, last, out));
	}
}
