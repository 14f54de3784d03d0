package io.github.explainij.cli;

import static io.github.explainij.TestData.assertRelativeClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.IJ;
import ij.ImagePlus;

import io.github.explainij.TestData;
import io.github.explainij.image.ImagePlusAdapter;
import io.github.explainij.method.ExplainRequest;
import io.github.explainij.method.SaliencyMap;
import io.github.explainij.target.ScoreKind;
import io.github.explainij.target.TargetSpec;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command-line contract: outputs, exit status, one-line reasons. */
class MainTest {

	@TempDir
	Path tmp;

	private final ByteArrayOutputStream out = new ByteArrayOutputStream();
	private final ByteArrayOutputStream err = new ByteArrayOutputStream();

	private int run(final String... args) {
		return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
	}

	private String err() {
		return err.toString(StandardCharsets.UTF_8);
	}

	@Test
	void saliencyWritesTheRawMapAndTheOverlay() {
		final Path tif = tmp.resolve("out/s.tif"), png = tmp.resolve("out/s.png");
		final String image = TestData.sample("cells-shortcut", "mitotic_001").toString();
		assertEquals(0, run("saliency", "--model", TestData.model("cells-shortcut").toString(), "--image", image, "--target", "mitotic",
			"--out", tif.toString(), "--overlay", png.toString(), "--param", "absolute=false"), err());
		final ImagePlus written = IJ.openImage(tif.toString());
		assertEquals(ImagePlus.GRAY32, written.getType());
		final ExplainRequest r = new ExplainRequest(TestData.network(TestData.model("cells-shortcut")),
			ImagePlusAdapter.currentPlanes(IJ.openImage(image)), TargetSpec.index(1), ScoreKind.LOGIT);
		assertRelativeClose(ImagePlusAdapter.toChw(new SaliencyMap(false, false).explain(r).map()), (float[]) written.getProcessor().getPixels(),
			1e-6, "written map");
		// the overlay is a figure: the 64x64 image enlarged 4x (256 px), a title above, the colour bar at the right
		final ImagePlus overlay = IJ.openImage(png.toString());
		assertEquals(ImagePlus.COLOR_RGB, overlay.getType());
		assertTrue(overlay.getWidth() >= 256 + 40 && overlay.getHeight() >= 256 + 40, overlay.getWidth() + "x" + overlay.getHeight());
		final String stdout = out.toString(StandardCharsets.UTF_8);
		assertTrue(stdout.contains("target 1 (mitotic)"), stdout);
	}

	@Test
	void badInputExitsTwoWithOneLine() {
		assertEquals(2, run("saliency", "--model", tmp.resolve("none.pt").toString(), "--image",
			TestData.sample("cells", "foci_001").toString()));
		assertEquals(1, err().strip().split("\n").length, err());
		assertTrue(err().startsWith("error: model file not found"), err());
	}

	@Test
	void usageErrorsExitTwoAndNameOptionsAsTyped() {
		assertEquals(2, run());
		assertTrue(err().contains("methods: cam, channel-ablation, deconvnet, deeplift, grad-cam"), err());
		err.reset();
		assertEquals(2, run("no-such-method", "--model", "m.pt", "--image", "i.tif"));
		assertTrue(err().startsWith("error: unknown method 'no-such-method'; the methods are cam, "), err());
		err.reset();
		// a typo gets a suggestion: method, option, parameter and choice
		assertEquals(2, run("salency", "--model", "m.pt", "--image", "i.tif"));
		assertTrue(err().startsWith("error: unknown method 'salency'; did you mean saliency?"), err());
		err.reset();
		final String model = TestData.model("cells-gap").toString(), image = TestData.sample("cells", "foci_001").toString();
		assertEquals(2, run("saliency", "--modle", model, "--image", image));
		assertEquals("error: unknown option --modle; did you mean --model? (java -jar explain-ij.jar saliency --help lists the options)",
			err().strip());
		err.reset();
		assertEquals(2, run("occlusion", "--model", model, "--image", image, "--param", "windw=3"));
		assertEquals("error: unknown parameter --param windw for occlusion; did you mean --param window? (java -jar explain-ij.jar occlusion --help lists its parameters)",
			err().strip());
		err.reset();
		assertEquals(2, run("saliency", "--model", model, "--image", image, "--param", "score=probabilty"));
		assertEquals("error: --param score must be one of [logit, probability], not 'probabilty'; did you mean probability?", err().strip());
		err.reset();
		// a command's own refusal names the option as typed here, with the value given
		assertEquals(2, run("occlusion", "--model", model, "--image", image, "--param", "window=0"));
		assertEquals("error: --param window=0: window must be a positive size, not 0.0", err().strip());
		err.reset();
		assertEquals(2, run("saliency", "--model", model, "--image", image, "--target", "7"));
		assertTrue(err().startsWith("error: --target 7: target class 7 does not exist"), err());
		err.reset();
		assertEquals(2, run("saliency", "--model", model, "--image", image, "stray"));
		assertTrue(err().startsWith("error: unexpected argument(s) [stray]"), err());
		assertEquals(1, err().strip().split("\n").length, err());
		err.reset();
		assertEquals(2, run("saliency", "--image", image));
		assertEquals("error: --model M.pt is required (java -jar explain-ij.jar saliency --help)", err().strip());
		err.reset();
		assertEquals(2, run("saliency", "--model", model, "--image", tmp.resolve("x.tif").toString()));
		assertTrue(err().contains("image not found"), err());
	}

	@Test
	void methodHelpListsItsParameters() {
		assertEquals(0, run("occlusion", "--help"));
		final String s = out.toString(StandardCharsets.UTF_8);
		assertTrue(s.startsWith("occlusion: Occlusion Sensitivity  (Plugins > Explain-IJ > Attribution > Occlusion Sensitivity)"), s);
		assertTrue(s.contains("usage: java -jar explain-ij.jar occlusion --model M.pt --image I.tif"), s);
		assertTrue(s.contains("    --target text  (default: predicted)  Which class to explain: 'predicted'"), s);
		assertTrue(s.contains("    --device auto|cpu|gpu  (default: auto)"), s);
		assertTrue(s.contains("    --param window=number  (default: 16.0)  Side of the square that hides part of the image"), s);
		assertTrue(s.contains("    --param fill=zero|mean|blur|value  (default: zero)"), s);
		assertTrue(!s.contains("model_file"), s);
		assertEquals("", err());
		out.reset();
		assertEquals(0, run("demo", "--help"));
		assertEquals("usage: java -jar explain-ij.jar demo [--out DIR]   (default DIR: target/demo)", out.toString(StandardCharsets.UTF_8).strip());
		out.reset();
		assertEquals(0, run("--help"));
		assertTrue(out.toString(StandardCharsets.UTF_8).contains("methods: cam, channel-ablation, deconvnet, deeplift, grad-cam, grad-cam-pp"), out.toString());
	}

	@Test
	void listShowsMethodsAndParameters() {
		assertEquals(0, run("list"));
		final String s = out.toString(StandardCharsets.UTF_8);
		assertTrue(s.contains("saliency  (Plugins > Explain-IJ > Attribution > Saliency Map)"), s);
		assertTrue(s.contains("--param absolute=true|false  (default: true)"), s);
		assertTrue(s.contains("--param score=logit|probability  (default: logit)"), s);
	}

	@Test
	void demoWritesItsOutputsAndSaysWhere() throws Exception {
		final Path dir = tmp.resolve("demo");
		assertEquals(0, run("demo", "--out", dir.toString()), err());
		assertTrue(out.toString(StandardCharsets.UTF_8).contains(dir.toAbsolutePath().toString()));
		final java.util.List<String> rows = Files.readAllLines(dir.resolve("summary.csv"));
		assertEquals(1 + 3 * 6, rows.size()); // three models, six images
		assertTrue(Files.isRegularFile(dir.resolve("cells-gap/cells_foci_000_saliency.tif")));
		assertTrue(Files.isRegularFile(dir.resolve("cells-bn/cells_foci_000_overlay.png")));
		assertTrue(Files.isRegularFile(dir.resolve("cells-shortcut/cells-shortcut_mitotic_000_overlay.png")));
		// one folder per model (and per demo part) beside the overview and the table, nothing deeper
		try (java.util.stream.Stream<Path> all = Files.walk(dir)) {
			assertTrue(all.allMatch(p -> dir.relativize(p).getNameCount() <= 2), "flat layout");
		}
		// the overview: 6 rows of 4 panels (the image, then each model) of 192 px
		final ImagePlus overview = IJ.openImage(dir.resolve("overview.png").toString());
		assertTrue(overview.getWidth() >= 4 * 192 && overview.getHeight() >= 6 * 192, overview.getWidth() + "x" + overview.getHeight());
		// the shortcut model on its own mitotic image puts most of its saliency on the scale bar
		final String shortcut = rows.stream().filter(r -> r.startsWith("cells-shortcut.pt,cells-shortcut/mitotic_000,")).findFirst().orElseThrow();
		final String[] f = shortcut.split(",");
		assertTrue(Double.parseDouble(f[8]) / Double.parseDouble(f[9]) > Double.parseDouble(f[6]) / Double.parseDouble(f[7]), shortcut);

		// the segmentation model: one Grad-CAM slice per object of the label image, and its table
		final ImagePlus perObject = IJ.openImage(dir.resolve("segmentation/mitotic_005_gradcam_per_object.tif").toString());
		assertEquals(3, perObject.getStackSize());
		final java.util.List<String> objects = Files.readAllLines(dir.resolve("segmentation/mitotic_005_objects.csv"));
		assertEquals(4, objects.size());
		assertTrue(objects.get(1).startsWith("1,1,label 1,2,mitotic,"), objects.get(1));
		// the two-channel model: the marker drives the cytoplasmic call (IG share 0.778, drop 6.64: fixtures/stains)
		final java.util.List<String> channels = Files.readAllLines(dir.resolve("stains/cytoplasmic_002_ig_channels.csv"));
		assertTrue(channels.get(2).startsWith("2,marker,"), channels.get(2));
		assertEquals(0.7774098, Double.parseDouble(channels.get(2).split(",")[5]), 1e-4);
		final java.util.List<String> ablation = Files.readAllLines(dir.resolve("stains/cytoplasmic_002_channel_ablation.csv"));
		assertEquals(6.6393775, Double.parseDouble(ablation.get(2).split(",")[3]), 1e-3);

		// inside cells-gap: 16 feature maps of relu1 with their table; the class model's logit rose
		assertEquals(16, IJ.openImage(dir.resolve("inside/mitotic_000_feature-maps_relu1.tif").toString()).getStackSize());
		assertEquals(17, Files.readAllLines(dir.resolve("inside/mitotic_000_feature-maps_relu1.csv")).size());
		final ImagePlus model = IJ.openImage(dir.resolve("inside/class_model_foci.tif").toString());
		assertTrue(Double.parseDouble(model.getProp("objective_end")) > Double.parseDouble(model.getProp("objective_start")) + 10,
			model.getProp("objective_start") + " -> " + model.getProp("objective_end"));
		// the audit flags the scale bar: pasted into interphase cells it makes them mitotic
		final String audit = Files.readString(dir.resolve("evaluation/shortcut_audit_report.md"));
		assertTrue(audit.contains("| interphase | 8 | 8 | 1.00 | mitotic 8 |"), audit);
		// the comparison: three methods and the random baseline, each over 8 images
		final java.util.List<String> compare = Files.readAllLines(dir.resolve("evaluation/compare.csv"));
		assertEquals(5, compare.size());
		assertTrue(compare.get(4).startsWith("random,") && compare.get(4).endsWith(",8"), compare.get(4));
	}
}
