package io.github.explainij.workflow;

/**
 * One object of an image: a mask over the image's pixels (1 inside), its label (the label image's
 * value, or the ROI's position), a name for slice labels and tables, and its bounding box.
 */
public final class ObjectMask {

	private final int label;
	private final String name;
	private final float[] mask;
	private final int width;
	private final int height;
	private final int x0, y0, x1, y1;
	private final int area;

	/**
	 * @param mask non-zero inside, row-major, width * height values (copied as 0 / 1)
	 */
	public ObjectMask(final int label, final String name, final float[] mask, final int width, final int height) {
		if (mask.length != width * height) throw new IllegalArgumentException(mask.length + " mask values for " + width + "x" + height);
		this.label = label;
		this.name = name;
		this.width = width;
		this.height = height;
		this.mask = new float[mask.length];
		int minX = width, minY = height, maxX = -1, maxY = -1, n = 0;
		for (int y = 0; y < height; y++) {
			for (int x = 0; x < width; x++) {
				if (mask[y * width + x] == 0) continue;
				this.mask[y * width + x] = 1;
				n++;
				minX = Math.min(minX, x);
				minY = Math.min(minY, y);
				maxX = Math.max(maxX, x);
				maxY = Math.max(maxY, y);
			}
		}
		this.area = n;
		this.x0 = minX;
		this.y0 = minY;
		this.x1 = maxX;
		this.y1 = maxY;
	}

	public int label() { return label; }

	public String name() { return name; }

	/** 1 inside, 0 outside; do not modify. */
	public float[] mask() { return mask; }

	public int width() { return width; }

	public int height() { return height; }

	/** Pixels inside. */
	public int area() { return area; }

	/** Bounding box, inclusive: left, top, right, bottom (meaningless when the area is 0). */
	public int x0() { return x0; }

	public int y0() { return y0; }

	public int x1() { return x1; }

	public int y1() { return y1; }
}
