package io.github.explainij.command;

import static io.github.explainij.TestData.assertRelativeClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.IJ;
import ij.ImagePlus;

import io.github.explainij.TestData;
import io.github.explainij.image.ImagePlusAdapter;
import io.github.explainij.ij1.MacroRunner;
import io.github.explainij.method.ExplainRequest;
import io.github.explainij.method.cam.Cam;
import io.github.explainij.method.cam.ClassActivationMap;
import io.github.explainij.method.cam.GradCam;
import io.github.explainij.method.cam.GradCamPlusPlus;
import io.github.explainij.method.cam.GuidedGradCam;
import io.github.explainij.method.cam.LayerCam;
import io.github.explainij.method.cam.ScoreCam;
import io.github.explainij.target.ScoreKind;
import io.github.explainij.target.TargetSpec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * macros/Explain_CAM_Example.ijm through plain ImageJ 1.x's macro interpreter (in a child JVM, under
 * xvfb-run when there is no display, as the saliency macro test): every CAM command is reached through
 * its plugins.config label and writes the method's numbers.
 */
class CamMacroTest {

	@TempDir
	Path tmp;

	@Test
	void exampleMacroRunsTheFiveMaps() throws Exception {
		final Path output = tmp.resolve("out");
		Files.createDirectories(output);
		final Path image = TestData.sample("cells", "mitotic_002");
		final Path model = TestData.model("cells-gap");
		final String printed = MacroRunner.run("Explain_CAM_Example.ijm", "image=[" + image + "] model=[" + model + "] output=[" + output + "]", tmp);
		assertTrue(printed.contains("explained with 5 class activation maps at layer relu3"), printed);

		final ExplainRequest r = new ExplainRequest(TestData.network(model), ImagePlusAdapter.currentPlanes(IJ.openImage(image.toString())),
			TargetSpec.predicted(), ScoreKind.LOGIT);
		final Map<String, ClassActivationMap> methods = Map.of("cam", new Cam("", false), "grad-cam", new GradCam("", true), "grad-cam-pp",
			new GradCamPlusPlus("", true), "score-cam", new ScoreCam("", true, 0), "layer-cam", new LayerCam("", true));
		for (final Map.Entry<String, ClassActivationMap> e : methods.entrySet()) {
			final ImagePlus map = IJ.openImage(output.resolve("mitotic_002_" + e.getKey() + ".tif").toString());
			assertRelativeClose(e.getValue().compute(r).imageMap(), (float[]) map.getProcessor().getPixels(), 1e-6, e.getKey() + " via macro");
		}
		assertTrue(printed.contains("Guided Grad-CAM at layer relu3"), printed);
		final ImagePlus guided = IJ.openImage(output.resolve("mitotic_002_guided-grad-cam.tif").toString());
		assertRelativeClose(ImagePlusAdapter.toChw(new GuidedGradCam("", "bilinear", false).explain(r).map()),
			(float[]) guided.getProcessor().getPixels(), 1e-6, "guided grad-cam via macro");
		final ImagePlus layer = IJ.openImage(output.resolve("mitotic_002_grad-cam_layer_map.tif").toString());
		assertEquals(16, layer.getWidth());
		assertRelativeClose(ImagePlusAdapter.toChw(new GradCam("", true).compute(r).atLayer().map()), (float[]) layer.getProcessor().getPixels(),
			1e-6, "layer map via macro");
	}

}
