package io.github.explainij.command;

import ij.ImagePlus;
import ij.measure.Calibration;

import io.github.explainij.ExplainException;

/**
 * Sizes a user gives in pixels or in the image's calibrated units (Image > Properties), converted to
 * whole pixels for the methods (which know nothing of calibration).
 */
public final class PixelUnits {

	private PixelUnits() {}

	/**
	 * @param value the size as the user gave it
	 * @param units {@link Options#UNITS_PIXELS} or {@link Options#UNITS_CALIBRATED}
	 * @param name the parameter's name, for messages
	 * @return the size in pixels (rounded to the nearest whole pixel)
	 */
	public static int toPixels(final double value, final String units, final ImagePlus image, final String name) {
		if (!(value > 0) || !Double.isFinite(value)) throw new ExplainException(name + " must be a positive size, not " + value);
		final String u = units == null ? Options.UNITS_PIXELS : units.trim().toLowerCase();
		final double px;
		if (u.equals(Options.UNITS_PIXELS)) {
			px = value;
		}
		else if (u.equals(Options.UNITS_CALIBRATED)) {
			final Calibration cal = image == null ? null : image.getCalibration();
			if (cal == null || !cal.scaled() || !(cal.pixelWidth > 0)) {
				throw new ExplainException("units=calibrated but the image has no spatial calibration; set it with Image > Properties or give " +
					name + " in pixels");
			}
			px = value / cal.pixelWidth;
		}
		else {
			throw new ExplainException("units must be pixels or calibrated, not '" + units + "'");
		}
		final long rounded = Math.round(px);
		if (rounded < 1) {
			throw new ExplainException(name + " = " + value + " " + u + " is less than one pixel (" + String.format("%.3g", px) + " px)");
		}
		return (int) Math.min(Integer.MAX_VALUE, rounded);
	}
}
