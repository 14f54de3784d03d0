package io.github.explainij.command;

import static io.github.explainij.TestData.assertRelativeClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import ij.IJ;
import ij.ImagePlus;
import ij.gui.Roi;
import ij.measure.ResultsTable;

import io.github.explainij.TestData;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.scijava.command.CommandModule;
import org.scijava.module.Module;

/**
 * The shipped segmentation model (cells-unet: [B, 1, H, W] -> [B, 5, H, W]) explained for regions,
 * through the commands, against PyTorch and Captum with the same region score
 * (src/test/resources/fixtures/region, made by make_region_fixtures.py): saliency, Integrated Gradients,
 * Grad-CAM, guided backpropagation and occlusion for a mask file, a rectangular selection and the whole
 * image, mean and sum, logit and probability, on sample images and on an image the model never saw; and
 * a label image with three objects, which gives three slices and a table equal to the reference.
 */
class SegmentationReferenceTest extends CommandTestContext {

	private static final Path DIR = TestData.repo().resolve("src/test/resources/fixtures/region");

	static Stream<String> cases() throws IOException {
		try (Stream<Path> files = Files.list(DIR)) {
			return files.map(p -> p.getFileName().toString())
				.filter(n -> n.endsWith(".json") && !n.startsWith("objects_") && !n.startsWith("dense_")).sorted().toList().stream();
		}
	}

	private static JsonObject load(final String name) throws IOException {
		return JsonParser.parseString(Files.readString(DIR.resolve(name))).getAsJsonObject();
	}

	private static ImagePlus open(final JsonObject f) {
		return IJ.openImage(TestData.repo().resolve(f.get("image").getAsString()).toString());
	}

	private static float[] values(final ImagePlus a, final int slice) {
		return (float[]) a.getStack().getProcessor(slice).getPixels();
	}

	@ParameterizedTest
	@MethodSource("cases")
	void regionTargetEqualsPyTorch(final String name) throws IOException {
		final JsonObject f = load(name);
		final ImagePlus image = open(f);
		final Map<String, String> p = new HashMap<>();
		p.put("target", f.get("target").getAsString());
		p.put("score", f.get("score").getAsString());
		p.put("region_score", f.get("region_score").getAsString());
		p.put("show_overlay", "false");
		if (f.has("region_rect")) {
			final JsonArray r = f.getAsJsonArray("region_rect");
			image.setRoi(new Roi(r.get(0).getAsInt(), r.get(1).getAsInt(), r.get(2).getAsInt(), r.get(3).getAsInt()));
			p.put("region", "selection");
		}
		else if (f.has("region") && !f.get("region").isJsonNull()) {
			p.put("region", "label image");
			p.put("label_image", TestData.repo().resolve(f.get("region").getAsString()).toString());
		}
		final String method = f.get("method").getAsString();
		final String command;
		switch (method) {
			case "saliency": command = "saliency"; break;
			case "ig":
				command = "integrated-gradients";
				p.put("steps", f.get("steps").getAsString());
				p.put("integration", f.get("integration").getAsString());
				p.put("baseline", f.get("baseline").getAsString());
				break;
			case "grad_cam":
				command = "grad-cam";
				p.put("layer", f.get("layer").getAsString());
				break;
			case "guided": command = "guided-backprop"; break;
			case "occlusion":
				command = "occlusion";
				p.put("window", f.get("window").getAsString());
				p.put("stride", f.get("stride").getAsString());
				p.put("fill", f.get("fill").getAsString());
				break;
			default: throw new IllegalArgumentException(method);
		}
		final Module m = runCommand(command, image, TestData.repo().resolve(f.get("model").getAsString()), p);
		assertNull(ExplainCommands.cancelReason(m), name);
		final ImagePlus a = (ImagePlus) m.getOutput("attribution");
		assertEquals(f.get("target_class").getAsString(), a.getProp("target_class"), name + " class");
		assertEquals(f.get("score_value").getAsDouble(), Double.parseDouble(a.getProp("score_value")),
			1e-4 * Math.abs(f.get("score_value").getAsDouble()), name + " score");
		assertRelativeClose(TestData.floats(f.getAsJsonArray("attribution")), values(a, 1), 1e-4, name);
	}

	@Test
	void threeObjectsOfALabelImageGiveThreeSlicesAndTheReferenceTable() throws IOException {
		final JsonObject f = load("objects_unseen_saliency_mean_logit.json");
		final Module m = runCommand("saliency", open(f), TestData.repo().resolve(f.get("model").getAsString()), Map.of("region", "label image",
			"label_image", TestData.repo().resolve(f.get("labels").getAsString()).toString(), "target", "predicted", "score", "logit",
			"region_score", "mean", "show_overlay", "false"));
		assertNull(ExplainCommands.cancelReason(m));
		final ImagePlus a = (ImagePlus) m.getOutput("attribution");
		final ResultsTable t = ((AttributionCommand) ((CommandModule) m).getCommand()).resultsTable();
		final JsonArray objects = f.getAsJsonArray("objects");
		assertEquals(objects.size(), a.getStackSize());
		assertEquals(objects.size(), t.size());
		int i = 0;
		for (final JsonElement e : objects) {
			final JsonObject o = e.getAsJsonObject();
			final String what = "object with label " + o.get("label").getAsInt();
			assertEquals("label " + o.get("label").getAsInt(), a.getStack().getSliceLabel(i + 1));
			assertRelativeClose(TestData.floats(o.getAsJsonArray("attribution")), values(a, i + 1), 1e-4, what);
			assertEquals(o.get("label").getAsInt(), (int) t.getValue("label", i));
			assertEquals(o.get("target_class").getAsInt(), (int) t.getValue("class", i), what + " class");
			assertEquals(o.get("score_value").getAsDouble(), t.getValue("score", i), 1e-4 * Math.abs(o.get("score_value").getAsDouble()));
			for (final String key : new String[] { "inside", "outside", "share_inside" }) {
				assertEquals(o.get(key).getAsDouble(), t.getValue(key, i), 1e-4 * Math.abs(o.get(key).getAsDouble()), what + " " + key);
			}
			i++;
		}
	}

	@Test
	void anOutputSmallerThanTheImageIsRefused() {
		// cells-unet pools twice: 62 is not a multiple of 4, so its map would be 60x60
		final ImagePlus odd = TestData.openSample("cells", "foci_003");
		odd.setRoi(0, 0, 62, 62);
		final Module m = runCommand("saliency", odd.crop(), TestData.model("cells-unet"), Map.of("show_overlay", "false"));
		assertEquals(true, ExplainCommands.cancelReason(m).contains("its output must have the input's size"), ExplainCommands.cancelReason(m));
	}
}
