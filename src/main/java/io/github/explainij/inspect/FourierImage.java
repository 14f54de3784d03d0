package io.github.explainij.inspect;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Lucid's decorrelated frequency parameterization of an image ({@code lucid.optvis.param.spatial.fft_image}):
 * the optimized values are the real and imaginary parts of a 2-D real spectrum {@code [2, C, H, Wf]},
 * {@code Wf = w / 2 + 1} (one more when w is odd), and the image is
 * {@code irfft2(spectrum * scale)[:, :h, :w] / 4} with {@code scale = sqrt(w h) / max(f, 1 / max(w, h))^decay_power},
 * f the frequency {@code sqrt(fx^2 + fy^2)} of NumPy's {@code fftfreq}. Low frequencies get large steps, so
 * gradient ascent finds smooth images instead of high-frequency noise.
 * <p>
 * The inverse real DFT is written as matrix products (cosine and sine matrices), so autograd runs through it
 * and the result equals {@code numpy.fft.irfft2} exactly up to float rounding.
 */
public final class FourierImage {

	private final int channels, height, width, wf, padded;
	private final float[] scale; // [H, Wf]
	private final float[] cy, sy; // [H, H]: cos, sin(2 pi ky y / H) / H, row y, column ky
	private final float[] ax, bx; // [Wf, w]: c_k cos, c_k sin(2 pi k x / W') / (4 W')

	public FourierImage(final int channels, final int height, final int width, final double decayPower) {
		this.channels = channels;
		this.height = height;
		this.width = width;
		this.wf = width % 2 == 1 ? width / 2 + 2 : width / 2 + 1;
		this.padded = 2 * (wf - 1);
		scale = new float[height * wf];
		final double floor = 1.0 / Math.max(width, height);
		for (int y = 0; y < height; y++) {
			final double fy = fftfreq(y, height);
			for (int x = 0; x < wf; x++) {
				final double fx = fftfreq(x, width);
				final double f = Math.sqrt(fx * fx + fy * fy);
				scale[y * wf + x] = (float) (Math.sqrt((double) width * height) / Math.pow(Math.max(f, floor), decayPower));
			}
		}
		cy = new float[height * height];
		sy = new float[height * height];
		for (int y = 0; y < height; y++) {
			for (int k = 0; k < height; k++) {
				final double a = 2 * Math.PI * ((long) k * y % height) / height;
				cy[y * height + k] = (float) (Math.cos(a) / height);
				sy[y * height + k] = (float) (Math.sin(a) / height);
			}
		}
		ax = new float[wf * width];
		bx = new float[wf * width];
		for (int k = 0; k < wf; k++) {
			final double c = k == 0 || k == wf - 1 ? 1 : 2;
			for (int x = 0; x < width; x++) {
				final double a = 2 * Math.PI * ((long) k * x % padded) / padded;
				ax[k * width + x] = (float) (c * Math.cos(a) / (4.0 * padded));
				bx[k * width + x] = (float) (c * Math.sin(a) / (4.0 * padded));
			}
		}
	}

	/** NumPy's {@code fftfreq(n)[i]}. */
	static double fftfreq(final int i, final int n) {
		return (i < (n + 1) / 2 ? i : i - n) / (double) n;
	}

	/** The spectrum's shape [2, C, H, Wf]. */
	public Shape spectrumShape() {
		return new Shape(2, channels, height, wf);
	}

	public int spectrumSize() {
		return 2 * channels * height * wf;
	}

	/**
	 * The image of a spectrum, with autograd.
	 *
	 * @param spectrum [2, C, H, Wf]
	 * @return the image [1, C, h, w]
	 */
	public NDArray image(final NDArray spectrum) {
		final NDManager m = spectrum.getManager();
		final NDArray s = m.create(scale, new Shape(height, wf));
		final NDArray c = m.create(cy, new Shape(height, height));
		final NDArray sn = m.create(sy, new Shape(height, height));
		final NDArray re = spectrum.get(0).mul(s);
		final NDArray im = spectrum.get(1).mul(s);
		final NDArray zr = c.matMul(re).sub(sn.matMul(im));
		final NDArray zi = sn.matMul(re).add(c.matMul(im));
		final NDArray img = zr.matMul(m.create(ax, new Shape(wf, width))).sub(zi.matMul(m.create(bx, new Shape(wf, width))));
		return img.expandDims(0);
	}

	/**
	 * The image of a spectrum in Java (double precision), e.g. to blur it or to record a trajectory.
	 *
	 * @param spectrum [2, C, H, Wf] row-major
	 * @return the image [C, h, w] row-major
	 */
	public float[] image(final float[] spectrum) {
		final float[] out = new float[channels * height * width];
		final int plane = height * wf;
		for (int ch = 0; ch < channels; ch++) {
			final double[] zr = new double[height * wf], zi = new double[height * wf];
			for (int y = 0; y < height; y++) {
				for (int k = 0; k < height; k++) {
					final double c = cy[y * height + k], s = sy[y * height + k];
					for (int x = 0; x < wf; x++) {
						final double re = spectrum[ch * plane + k * wf + x] * (double) scale[k * wf + x];
						final double im = spectrum[(channels + ch) * plane + k * wf + x] * (double) scale[k * wf + x];
						zr[y * wf + x] += c * re - s * im;
						zi[y * wf + x] += s * re + c * im;
					}
				}
			}
			for (int y = 0; y < height; y++) {
				for (int x = 0; x < width; x++) {
					double v = 0;
					for (int k = 0; k < wf; k++) v += zr[y * wf + k] * ax[k * width + x] - zi[y * wf + k] * bx[k * width + x];
					out[(ch * height + y) * width + x] = (float) v;
				}
			}
		}
		return out;
	}

	/**
	 * A spectrum whose image is the given one ({@code rfft2} of 4 x the image, divided by the scale; for an
	 * odd width the image is padded by repeating its last column, which the crop removes again).
	 *
	 * @param image [C, h, w] row-major
	 * @return the spectrum [2, C, H, Wf] row-major
	 */
	public float[] spectrumOf(final float[] image) {
		final float[] out = new float[spectrumSize()];
		final int plane = height * wf;
		for (int ch = 0; ch < channels; ch++) {
			// along x (padded width W'), then along y
			final double[] rr = new double[height * wf], ri = new double[height * wf];
			for (int y = 0; y < height; y++) {
				for (int x = 0; x < padded; x++) {
					final double p = 4.0 * image[(ch * height + y) * width + Math.min(x, width - 1)];
					for (int k = 0; k < wf; k++) {
						final double a = 2 * Math.PI * ((long) k * x % padded) / padded;
						rr[y * wf + k] += p * Math.cos(a);
						ri[y * wf + k] -= p * Math.sin(a);
					}
				}
			}
			for (int ky = 0; ky < height; ky++) {
				for (int k = 0; k < wf; k++) {
					double re = 0, im = 0;
					for (int y = 0; y < height; y++) {
						final double a = 2 * Math.PI * ((long) ky * y % height) / height;
						final double c = Math.cos(a), s = -Math.sin(a);
						re += rr[y * wf + k] * c - ri[y * wf + k] * s;
						im += rr[y * wf + k] * s + ri[y * wf + k] * c;
					}
					out[ch * plane + ky * wf + k] = (float) (re / scale[ky * wf + k]);
					out[(channels + ch) * plane + ky * wf + k] = (float) (im / scale[ky * wf + k]);
				}
			}
		}
		return out;
	}
}
