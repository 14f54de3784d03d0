package io.github.explainij.command;

import static io.github.explainij.TestData.assertRelativeClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.IJ;
import ij.ImagePlus;
import ij.gui.ImageRoi;
import ij.gui.Overlay;
import ij.process.ColorProcessor;
import ij.process.FloatProcessor;
import ij.process.ShortProcessor;

import io.github.explainij.TestData;
import io.github.explainij.cli.CommandRunner;
import io.github.explainij.image.ImagePlusAdapter;
import io.github.explainij.method.ExplainRequest;
import io.github.explainij.method.SaliencyMap;
import io.github.explainij.target.ScoreKind;
import io.github.explainij.target.TargetSpec;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandService;
import org.scijava.module.Module;

/**
 * The Saliency Map command as Fiji runs it (SciJava CommandService, services injected): outputs,
 * metadata, overlay, and every kind of bad input, which must end in a clear message with the source
 * image untouched.
 */
class SaliencyCommandTest {

	private static Context context;
	private static CommandInfo info;

	@TempDir
	Path tmp;

	@BeforeAll
	static void start() {
		context = new Context();
		info = ExplainCommands.byName(context.service(CommandService.class), "saliency");
	}

	@AfterAll
	static void stop() {
		context.dispose();
	}

	private static Module run(final ImagePlus image, final Path model, final Map<String, String> params) {
		return new CommandRunner(context).run(info, image, model == null ? null : model.toFile(), params);
	}

	@Test
	void commandIsFoundWithItsMenuPath() {
		assertNotNull(info);
		assertEquals("Plugins > Explain-IJ > Attribution > Saliency Map", info.getMenuPath().getMenuString());
	}

	@Test
	void producesRawMapMetadataAndOverlay() {
		final ImagePlus image = TestData.openSample("cells", "foci_000");
		image.getCalibration().pixelWidth = 0.325;
		image.getCalibration().pixelHeight = 0.325;
		image.getCalibration().setUnit("um");
		final Object pixelsBefore = ((short[]) image.getProcessor().getPixels()).clone();
		final Module m = run(image, TestData.model("cells-gap"), Map.of("target", "foci", "score", "probability"));
		assertNull(ExplainCommands.cancelReason(m));
		final ImagePlus out = (ImagePlus) m.getOutput("attribution");
		assertEquals(ImagePlus.GRAY32, out.getType());
		assertEquals(64, out.getWidth());
		assertEquals(0.325, out.getCalibration().pixelWidth, 0);
		assertEquals(image.getCalibration().getUnit(), out.getCalibration().getUnit());
		assertEquals("Saliency Map of foci_000.tif (foci)", out.getTitle());
		assertEquals("3", out.getProp("target_class"));
		assertEquals("probability", out.getProp("score"));
		assertEquals("true", out.getProp("absolute"));
		assertTrue(((String) out.getProperty("Info")).contains("normalization: meanstd"));
		// the values are the method's, unscaled
		final ExplainRequest r = new ExplainRequest(TestData.network(TestData.model("cells-gap")), ImagePlusAdapter.currentPlanes(image),
			TargetSpec.index(3), ScoreKind.PROBABILITY);
		assertRelativeClose(ImagePlusAdapter.toChw(new SaliencyMap(true, false).explain(r).map()), (float[]) out.getProcessor().getPixels(),
			1e-6, "command output");
		// overlay named after the method; source pixels untouched
		final Overlay overlay = image.getOverlay();
		assertEquals(1, overlay.size());
		assertTrue(overlay.get(0) instanceof ImageRoi);
		assertEquals("Saliency Map", overlay.get(0).getName());
		assertArrayEquals((short[]) pixelsBefore, (short[]) image.getProcessor().getPixels());
		// running again replaces the overlay rather than stacking a second one
		run(image, TestData.model("cells-gap"), Map.of());
		assertEquals(1, image.getOverlay().size());
	}

	@Test
	void fixedSizeModelMapsBackToTheImageGeometry() {
		final ImagePlus image = TestData.openSample("cells", "apoptotic_001");
		final ImagePlus bigger = image.resize(96, 80, "bilinear");
		final Module m = run(bigger, TestData.model("cells-bn"), Map.of("show_overlay", "false"));
		final ImagePlus out = (ImagePlus) m.getOutput("attribution");
		assertEquals(96, out.getWidth());
		assertEquals(80, out.getHeight());
		assertNull(bigger.getOverlay());
	}

	@Test
	void perChannelGivesOneSlicePerChannel() {
		final ColorProcessor cp = new ColorProcessor(20, 24);
		for (int i = 0; i < 20 * 24; i++) cp.set(i, (i * 37 % 256) << 16 | (i * 11 % 256) << 8 | i * 5 % 256);
		final Module m = run(new ImagePlus("rgb", cp), TestData.testModel("tiny-rgb"), Map.of("per_channel", "true", "absolute", "false"));
		final ImagePlus out = (ImagePlus) m.getOutput("attribution");
		assertEquals(3, out.getStackSize());
		// an RGB image's channels are named (the model's sidecar names none)
		assertEquals("green", out.getStack().getSliceLabel(2));
	}

	// ---- bad input: a message, no output, the image as it was ----

	private String failure(final ImagePlus image, final Path model, final Map<String, String> params) {
		final Object before = image == null || image.getProcessor() == null ? null : image.getProcessor().duplicate().getPixels();
		final Module m = run(image, model, params);
		final String why = ExplainCommands.cancelReason(m);
		assertNotNull(why, "expected the command to refuse");
		assertNull(m.getOutput("attribution"));
		if (before != null) {
			assertNull(image.getOverlay(), "no overlay on failure");
			final Object after = image.getProcessor().getPixels();
			if (before instanceof short[]) assertArrayEquals((short[]) before, (short[]) after);
			if (before instanceof float[]) assertArrayEquals((float[]) before, (float[]) after);
			if (before instanceof int[]) assertArrayEquals((int[]) before, (int[]) after);
		}
		return why;
	}

	private static ImagePlus sample() {
		return TestData.openSample("cells", "mitotic_002");
	}

	@Test
	void missingModelFile() {
		assertTrue(failure(sample(), tmp.resolve("nothere.pt"), Map.of()).contains("model file not found"));
		final String none = failure(sample(), null, Map.of());
		assertTrue(none.contains("model_file") && none.contains("required"), none);
	}

	@Test
	void corruptModelFile() throws IOException {
		final Path bad = tmp.resolve("corrupt.pt");
		Files.write(bad, "this is not a TorchScript archive".getBytes());
		final String why = failure(sample(), bad, Map.of());
		assertTrue(why.contains("cannot load the model corrupt.pt as TorchScript"), why);
		assertTrue(why.contains("torch.jit.save"), why);
	}

	@Test
	void sidecarThatDoesNotParse() throws IOException {
		Files.copy(TestData.model("cells-gap"), tmp.resolve("m.pt"));
		Files.writeString(tmp.resolve("m.json"), "{\"name\": \"m\", \"classes\": [\"a\",");
		final String why = failure(sample(), tmp.resolve("m.pt"), Map.of());
		assertTrue(why.contains("m.json does not parse"), why);
	}

	@Test
	void channelCountTheModelCannotTake() {
		final ImagePlus rgb = new ImagePlus("rgb", new ColorProcessor(64, 64));
		final String why = failure(rgb, TestData.model("cells-gap"), Map.of());
		assertTrue(why.contains("takes 1 channel(s) but the image has 3"), why);
	}

	@Test
	void channelCountWithoutSidecarIsCaughtWhenTheModelRuns() throws IOException {
		Files.copy(TestData.model("cells-gap"), tmp.resolve("nosidecar.pt"));
		final String why = failure(new ImagePlus("rgb", new ColorProcessor(32, 32)), tmp.resolve("nosidecar.pt"), Map.of());
		assertTrue(why.contains("could not run on an input of shape (1, 3, 32, 32)"), why);
	}

	@Test
	void emptyAndNanImages() {
		assertTrue(failure(new ImagePlus(), TestData.model("cells-gap"), Map.of()).contains("empty"));
		final FloatProcessor allNan = new FloatProcessor(16, 16);
		allNan.set(Double.NaN);
		assertTrue(failure(new ImagePlus("nan", allNan), TestData.model("cells-gap"), Map.of()).contains("no finite pixel values"));
		final FloatProcessor someNan = new FloatProcessor(16, 16);
		someNan.setf(3, Float.NaN);
		assertTrue(failure(new ImagePlus("nan", someNan), TestData.model("cells-gap"), Map.of()).contains("1 NaN or infinite pixels"));
	}

	@Test
	void unknownTargets() {
		final String name = failure(sample(), TestData.model("cells-gap"), Map.of("target", "prophase"));
		assertTrue(name.contains("'prophase' is not one of the model's classes: [interphase, mitotic, apoptotic, foci]"), name);
		final String index = failure(sample(), TestData.model("cells-gap"), Map.of("target", "7"));
		assertTrue(index.contains("target class 7 does not exist: the model has 4 classes"), index);
	}

	@Test
	void sixteenBitStackUsesTheCurrentPlane() {
		final ImagePlus a = TestData.openSample("cells", "interphase_000");
		final ImagePlus b = TestData.openSample("cells", "foci_000");
		final ij.ImageStack stack = new ij.ImageStack(64, 64);
		stack.addSlice(a.getProcessor());
		stack.addSlice(b.getProcessor());
		final ImagePlus timeLapse = new ImagePlus("t", stack);
		timeLapse.setDimensions(1, 1, 2);
		timeLapse.setT(2);
		final ImagePlus out = (ImagePlus) run(timeLapse, TestData.model("cells-gap"), Map.of()).getOutput("attribution");
		final ImagePlus single = (ImagePlus) run(b, TestData.model("cells-gap"), Map.of()).getOutput("attribution");
		assertArrayEquals((float[]) single.getProcessor().getPixels(), (float[]) out.getProcessor().getPixels());
		assertEquals("c=all z=1 t=2", out.getProp("plane"));
		assertTrue(timeLapse.getProcessor() instanceof ShortProcessor);
	}

}
