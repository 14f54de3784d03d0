package io.github.explainij.image;

import ij.IJ;
import ij.ImagePlus;
import ij.io.FileInfo;
import ij.io.TiffDecoder;

import io.github.explainij.ExplainException;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;

/** Opening image files given by the user (an image, a label image, a mask) with one clear refusal. */
public final class ImageFiles {

	private ImageFiles() {}

	/**
	 * @param what what the file is, for messages ("image", "label image")
	 * @throws ExplainException when the file is missing, a truncated TIFF, or ImageJ cannot read it
	 */
	public static ImagePlus open(final File file, final String what) {
		if (file == null || !file.isFile()) throw new ExplainException(what + " not found: " + file);
		if (isTiff(file)) checkTiffComplete(file, what);
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

	/** Whether the file starts as a TIFF does ("II*\0" or "MM\0*"). */
	static boolean isTiff(final File file) {
		final byte[] head = new byte[4];
		try (InputStream in = Files.newInputStream(file.toPath())) {
			if (in.readNBytes(head, 0, 4) < 4) return false;
		}
		catch (final IOException e) {
			throw new ExplainException("cannot read " + file + ": " + e.getMessage());
		}
		return head[0] == 'I' && head[1] == 'I' && head[2] == 42 && head[3] == 0 ||
			head[0] == 'M' && head[1] == 'M' && head[2] == 0 && head[3] == 42;
	}

	/**
	 * Refuses a TIFF whose pixel data ends after the end of the file (a truncated copy or download):
	 * ImageJ would read the missing pixels as zeros and a model would explain an image that is not there.
	 */
	static void checkTiffComplete(final File file, final String what) {
		final FileInfo[] info;
		try {
			info = new TiffDecoder(file.getParent() == null ? "" : file.getParent() + File.separator, file.getName()).getTiffInfo();
		}
		catch (final IOException | RuntimeException e) {
			throw new ExplainException("cannot read the " + what + " " + file + ": its TIFF header is damaged (" + e.getMessage() +
				"). Copy the file again from its source");
		}
		if (info == null || info.length == 0) {
			throw new ExplainException("cannot read the " + what + " " + file + ": its TIFF header describes no image. Copy the file again from its source");
		}
		final long length = file.length();
		long needed = 0;
		for (final FileInfo fi : info) needed = Math.max(needed, dataEnd(fi));
		if (needed > length) {
			throw new ExplainException("the " + what + " " + file + " is truncated: its TIFF header describes " + info[0].width + "x" +
				info[0].height + " pixels (" + Math.max(info[0].nImages, info.length) + " plane(s)) whose data end at byte " + needed +
				", but the file has only " + length + " bytes. Copy the file again from its source");
		}
	}

	/** The byte after the last byte of one TIFF image's (or ImageJ stack's) pixel data. */
	private static long dataEnd(final FileInfo fi) {
		long end = 0;
		if (fi.stripOffsets != null && fi.stripLengths != null) {
			for (int i = 0; i < Math.min(fi.stripOffsets.length, fi.stripLengths.length); i++) {
				end = Math.max(end, (fi.stripOffsets[i] & 0xffffffffL) + (fi.stripLengths[i] & 0xffffffffL));
			}
		}
		final boolean uncompressed = fi.compression == FileInfo.COMPRESSION_NONE || fi.compression == FileInfo.COMPRESSION_UNKNOWN;
		if (uncompressed) {
			final long plane = fi.fileType == FileInfo.BITMAP ? (fi.width + 7L) / 8 * fi.height
				: (long) fi.width * fi.height * fi.getBytesPerPixel();
			final int n = Math.max(1, fi.nImages);
			end = Math.max(end, fi.getOffset() + n * plane + (n - 1) * fi.getGap());
		}
		return end;
	}
}
