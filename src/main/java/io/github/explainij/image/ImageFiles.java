package io.github.explainij.image;

import ij.IJ;
import ij.ImagePlus;

import io.github.explainij.ExplainException;

import java.io.File;

/** Opening image files given by the user (an image, a label image, a mask) with one clear refusal. */
public final class ImageFiles {

	private ImageFiles() {}

	/**
	 * @param what what the file is, for messages ("image", "label image")
	 * @throws ExplainException when the file is missing or ImageJ cannot read it
	 */
	public static ImagePlus open(final File file, final String what) {
		if (file == null || !file.isFile()) throw new ExplainException(what + " not found: " + file);
		final ImagePlus imp;
		try {
			IJ.redirectErrorMessages(true);
			imp = IJ.openImage(file.getPath());
		}
		finally {
			IJ.redirectErrorMessages(false);
		}
		if (imp == null) throw new ExplainException("cannot open " + what + " " + file + " (ImageJ does not read it; use TIFF)");
		return imp;
	}
}
