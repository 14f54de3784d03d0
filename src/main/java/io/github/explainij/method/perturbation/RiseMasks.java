package io.github.explainij.method.perturbation;

import java.util.Random;

/**
 * RISE's random masks (Petsiuk, Das and Saenko 2018, and their reference code {@code generate_masks}):
 * a grid of {@code ceil(H / cell) + 1} x {@code ceil(W / cell) + 1} cells, each kept (1) with
 * probability {@code p}, upsampled bilinearly by the factor {@code cell} (half-pixel centres, as
 * PyTorch's {@code interpolate(align_corners=False)}; at the border this equals the reference code's
 * skimage resize with mode='reflect'), then cropped at a random offset in {@code [0, cell)} along each axis.
 * <p>
 * Masks come from one {@link java.util.Random} stream seeded with {@code seed}, drawn in mask order:
 * for mask i, the grid cells row by row ({@code nextDouble() < p}), then the x offset
 * ({@code nextInt(cell)}), then the y offset. The same seed gives the same masks whatever the batch size,
 * and the test fixture script reproduces the stream in Python.
 * <p>
 * Volumes ({@link #RiseMasks(int, int, int, int, double, long)} with a depth above 1) get a 3-D grid of
 * {@code ceil(D / cell) + 1} planes of cells, upsampled trilinearly (the same 1-D interpolation along z)
 * and shifted along z too; the stream is the grid cells plane by plane, then the x, y and z offsets.
 */
public final class RiseMasks {

	private final int width;
	private final int height;
	private final int depth;
	private final int gridD;
	/** A volume's planes of cells, each upsampled in x and y (z-major), before the interpolation along z. */
	private final float[] planes;
	private final int cell;
	private final double p;
	private final int gridW;
	private final int gridH;
	private final Random random;
	private final float[] grid;
	private final float[] rows;
	/** Per output pixel along x (for each offset): left grid index and its weight. */
	private final int[][] x0;
	private final float[][] xw;
	private final int[][] y0;
	private final float[][] yw;

	public RiseMasks(final int width, final int height, final int cell, final double p, final long seed) {
		this(width, height, 1, cell, p, seed);
	}

	/** Masks for a volume of {@code depth} slices (1: an image, with exactly the image's stream). */
	public RiseMasks(final int width, final int height, final int depth, final int cell, final double p, final long seed) {
		this.depth = depth;
		this.gridD = depth == 1 ? 1 : (depth + cell - 1) / cell + 1;
		this.planes = depth == 1 ? null : new float[gridD * height * width];
		this.width = width;
		this.height = height;
		this.cell = cell;
		this.p = p;
		this.gridW = (width + cell - 1) / cell + 1;
		this.gridH = (height + cell - 1) / cell + 1;
		this.random = new Random(seed);
		this.grid = new float[gridW * gridH * gridD];
		this.rows = new float[gridH * width];
		this.x0 = new int[cell][];
		this.xw = new float[cell][];
		this.y0 = new int[cell][];
		this.yw = new float[cell][];
		this.z0 = new int[cell][];
		this.zw = new float[cell][];
	}

	private final int[][] z0;
	private final float[][] zw;

	/** Planes of cells along z (1 for an image). */
	public int gridDepth() { return gridD; }

	public int gridWidth() { return gridW; }

	public int gridHeight() { return gridH; }

	/** Writes the next mask, [(D *) H * W] row-major, into {@code out} at {@code offset}. */
	public void next(final float[] out, final int offset) {
		for (int i = 0; i < grid.length; i++) grid[i] = random.nextDouble() < p ? 1f : 0f;
		final int dx = random.nextInt(cell), dy = random.nextInt(cell);
		if (depth > 1) {
			final int dz = random.nextInt(cell);
			final int plane = gridW * gridH, n = width * height;
			for (int g = 0; g < gridD; g++) upsamplePlane(g * plane, dx, dy, planes, g * n);
			if (z0[dz] == null) interpolation(dz, depth, gridD, z0, zw);
			final int[] iz = z0[dz];
			final float[] wz = zw[dz];
			for (int z = 0; z < depth; z++) {
				final int k = iz[z], k1 = Math.min(k + 1, gridD - 1);
				for (int i = 0; i < n; i++) {
					final float a = planes[k * n + i], b = planes[k1 * n + i];
					out[offset + z * n + i] = a + wz[z] * (b - a);
				}
			}
			return;
		}
		upsamplePlane(0, dx, dy, out, offset);
	}

	/** One plane of grid cells (at {@code gridOffset}) upsampled in x and y, shifted by (dx, dy), into {@code out}. */
	private void upsamplePlane(final int gridOffset, final int dx, final int dy, final float[] out, final int offset) {
		if (x0[dx] == null) interpolation(dx, width, gridW, x0, xw);
		if (y0[dy] == null) interpolation(dy, height, gridH, y0, yw);
		final int[] ix = x0[dx], iy = y0[dy];
		final float[] wx = xw[dx], wy = yw[dy];
		// along x first: every grid row at the output columns
		for (int gy = 0; gy < gridH; gy++) {
			for (int x = 0; x < width; x++) {
				final int i = ix[x];
				final float a = grid[gridOffset + gy * gridW + i], b = grid[gridOffset + gy * gridW + Math.min(i + 1, gridW - 1)];
				rows[gy * width + x] = a + wx[x] * (b - a);
			}
		}
		PixelChunks.forEach(height * width, (from, to) -> {
			for (int p = from; p < to; p++) {
				final int y = p / width, x = p % width;
				final int j = iy[y], j1 = Math.min(j + 1, gridH - 1);
				final float a = rows[j * width + x], b = rows[j1 * width + x];
				out[offset + p] = a + wy[y] * (b - a);
			}
		});
	}

	/**
	 * Bilinear (align_corners=False) upsampling of {@code n} grid cells by the factor {@code cell},
	 * sampled at output positions {@code shift .. shift + length - 1}.
	 */
	private void interpolation(final int shift, final int length, final int n, final int[][] index, final float[][] weight) {
		final int[] idx = new int[length];
		final float[] wt = new float[length];
		for (int o = 0; o < length; o++) {
			final double src = Math.max(0, (o + shift + 0.5) / cell - 0.5);
			final int i = Math.min((int) Math.floor(src), n - 1);
			idx[o] = i;
			wt[o] = i + 1 < n ? (float) (src - i) : 0f;
		}
		index[shift] = idx;
		weight[shift] = wt;
	}

	public double p() { return p; }
}
