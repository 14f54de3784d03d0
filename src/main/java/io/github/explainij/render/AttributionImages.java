package io.github.explainij.render;

import ij.ImagePlus;

import io.github.explainij.image.ImagePlusAdapter;
import io.github.explainij.method.Attribution;
import io.github.explainij.method.ChannelMaps;
import io.github.explainij.target.TargetSpec;
import io.github.explainij.model.Network;

import java.util.Locale;
import java.util.Map;

/** Turns an {@link Attribution} into the images a user sees: the raw 32-bit map and the overlay. */
public final class AttributionImages {

	/** Overlay opacity (0..1) of the strongest attribution; weaker values are more transparent (see {@link Heatmap}). */
	public static final double OVERLAY_OPACITY = 0.8;

	private AttributionImages() {}

	/**
	 * The raw attribution as a 32-bit image with the source's calibration. Its title names method, target
	 * and source; its Info and properties record model, method, every parameter, so it can be reproduced.
	 *
	 * @param context extra lines for the Info (device, notes), in order
	 */
	public static ImagePlus toImage(final Attribution a, final ImagePlus source, final Network network,
		final Map<String, String> context)
	{
		final String sourceTitle = source == null ? "image" : source.getTitle();
		final String title = a.method() + " of " + sourceTitle + " (" + a.targetName() + ")";
		String[] labels = null;
		if (a.map().numDimensions() > 2) {
			labels = new String[(int) a.map().dimension(2)];
			for (int c = 0; c < labels.length; c++) {
				labels[c] = a.sliceLabels() != null && c < a.sliceLabels().size() ? a.sliceLabels().get(c) : "channel " + (c + 1);
			}
		}
		final ImagePlus out = ImagePlusAdapter.toImagePlus(a.map(), title, source == null ? null : source.getCalibration(), labels);
		final float[] flat = ImagePlusAdapter.toChw(a.map());
		final double bound = Heatmap.displayBound(flat);
		if (a.signed()) {
			out.getProcessor().setLut(Heatmap.divergingLut());
			out.setDisplayRange(-bound, bound);
		}
		else {
			out.getProcessor().setLut(Heatmap.sequentialLut());
			out.setDisplayRange(0, bound);
		}
		// the bar goes where it hides the least attribution (summed over slices)
		final int plane = out.getWidth() * out.getHeight();
		final float[] magnitude = new float[plane];
		for (int i = 0; i < flat.length; i++) magnitude[i % plane] += Math.abs(flat[i]);
		ColourBar.addTo(out, a.signed(), bound, magnitude);
		final StringBuilder info = new StringBuilder("Explain-IJ attribution\n");
		line(out, info, "method", a.method());
		line(out, info, "source", sourceTitle);
		line(out, info, "model", network.file().toAbsolutePath().toString());
		line(out, info, "model_name", network.spec().name());
		line(out, info, "sidecar", network.spec().sidecar() == null ? "none (defaults: no normalization, unnamed classes)"
			: network.spec().sidecar().toString());
		line(out, info, "normalization", network.spec().normalization().toString());
		if (network.spec().hasFixedSize()) {
			line(out, info, "model_input", network.spec().width() + "x" + network.spec().height() + " (image resized bilinearly; attribution is on the image's own pixels)");
		}
		line(out, info, "target_class", Integer.toString(a.targetClass()));
		line(out, info, "target_name", a.targetName());
		line(out, info, "score", a.parameters().getOrDefault("score", "logit"));
		line(out, info, "score_value", String.format(Locale.ROOT, "%.6g", a.score()));
		final float[] logits = a.logits();
		final int predicted = TargetSpec.argmax(logits);
		line(out, info, "predicted_class", Integer.toString(predicted));
		line(out, info, "predicted_name", network.spec().className(predicted));
		final StringBuilder l = new StringBuilder();
		for (int i = 0; i < logits.length; i++) l.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.6g", logits[i]));
		line(out, info, "logits", l.toString());
		for (final Map.Entry<String, String> p : a.parameters().entrySet()) {
			if (!p.getKey().equals("score")) line(out, info, p.getKey(), p.getValue());
		}
		for (final Map.Entry<String, String> r : a.results().entrySet()) line(out, info, r.getKey(), r.getValue());
		for (final Map.Entry<String, String> c : context.entrySet()) line(out, info, c.getKey(), c.getValue());
		line(out, info, "colours", Heatmap.legend(a.signed()) + "; the colour bar (overlay '" + ColourBar.NAME + "') saturates at " +
			(a.signed() ? "+/-" : "") + ColourBar.label(bound) + ", the 99.5th percentile of |value|");
		out.setProperty("Info", info.toString());
		return out;
	}

	private static void line(final ImagePlus imp, final StringBuilder info, final String key, final String value) {
		info.append(key).append(": ").append(value).append('\n');
		imp.setProp(key, value);
	}

	/**
	 * Adds the attribution's coloured overlay to the source image. A stack is summed over its slices
	 * (for per-channel maps, the channel sum); methods whose slices are not additive pass their own map
	 * to {@link Heatmap#addOverlay}.
	 */
	public static void addOverlay(final ImagePlus source, final Attribution a) {
		final float[] flat = ImagePlusAdapter.toChw(a.map());
		final int n = source.getWidth() * source.getHeight();
		final float[] map = ChannelMaps.sum(flat, flat.length / n, n);
		Heatmap.addOverlay(source, map, a.signed(), a.method(), OVERLAY_OPACITY);
	}
}
