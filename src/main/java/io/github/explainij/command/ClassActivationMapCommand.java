package io.github.explainij.command;

import ij.ImagePlus;
import ij.measure.Calibration;

import io.github.explainij.method.Attribution;
import io.github.explainij.method.ExplainRequest;
import io.github.explainij.method.cam.ClassActivationMap;
import io.github.explainij.render.AttributionImages;

import org.scijava.ItemIO;
import org.scijava.plugin.Parameter;

import java.util.Map;

/**
 * What the class activation map commands share: the layer, the optional map at the layer's own
 * resolution (a second output, saved by the command line as {@code <out>_layer_map.tif}), and the
 * hand-over to a {@link ClassActivationMap}. Each command adds its own {@code relu} default and says
 * which CAM it runs.
 */
public abstract class ClassActivationMapCommand extends AttributionCommand {

	@Parameter(label = "Layer", required = false, description = Options.CAM_LAYER_DESCRIPTION)
	protected String layer = "";

	@Parameter(label = "Also show the coarse map",
		description = "Add a second image: the map on the layer's own small grid (e.g. 16x16) before it is enlarged to the image, " +
			"to see what the network really resolves")
	protected boolean layer_resolution = false;

	@Parameter(type = ItemIO.OUTPUT, label = "Layer map", required = false)
	protected ImagePlus layer_map;

	/** The CAM variant with this command's parameters. */
	@Override
	public abstract ClassActivationMap method();

	@Override
	protected Attribution explain(final ExplainRequest request) {
		layer_map = null;
		final ClassActivationMap.Maps maps = method().compute(request);
		final String score = request.score().key();
		if (layer_resolution) {
			final Attribution atLayer = maps.atLayer().withParameter("score", score);
			final ImagePlus imp = AttributionImages.toImage(atLayer, image, request.network(),
				Map.of("resolution", "the layer's own grid; the attribution output is this map upsampled to the image"));
			final int w = imp.getWidth(), h = imp.getHeight();
			final Calibration cal = imp.getCalibration().copy();
			cal.pixelWidth *= (double) request.width() / w;
			cal.pixelHeight *= (double) request.height() / h;
			imp.setCalibration(cal);
			imp.setTitle(atLayer.method() + " at " + maps.layer() + " of " + (image == null ? "image" : image.getTitle()) + " (" +
				atLayer.targetName() + ")");
			layer_map = imp;
		}
		return maps.atImage();
	}

	/** The map at the layer's resolution, or null when not asked for. */
	public ImagePlus layerMap() {
		return layer_map;
	}
}
