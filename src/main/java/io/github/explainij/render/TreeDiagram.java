package io.github.explainij.render;

import ij.ImagePlus;
import ij.process.ColorProcessor;

import io.github.explainij.evaluate.DecisionTree;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A decision tree drawn as boxes and lines: each split says "feature <= threshold" and how many images
 * reach it, the left branch is "yes", the right "no"; each leaf gives its class and how many of its images
 * the model gave that class. Leaves are spread left to right, every split sits above the middle of its
 * two children.
 */
public final class TreeDiagram {

	static final Font TEXT = new Font("SansSerif", Font.PLAIN, 12);
	static final int PAD = 6, GAP_X = 12, GAP_Y = 36, MARGIN = 12;

	private TreeDiagram() {}

	public static ImagePlus draw(final DecisionTree tree, final List<String> featureNames, final List<String> classNames, final String title) {
		final Graphics2D probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics();
		probe.setFont(TEXT);
		final FontMetrics fm = probe.getFontMetrics();
		probe.dispose();
		final List<DecisionTree.Node> nodes = tree.nodes();
		final Map<DecisionTree.Node, String[]> text = new HashMap<>();
		int boxWidth = 0;
		for (final DecisionTree.Node n : nodes) {
			final String[] lines = n.isLeaf() ? new String[] { DecisionTree.leafText(n, classNames) }
				: new String[] { featureNames.get(n.feature) + " <= " + DecisionTree.number(n.threshold), n.samples() + " images" };
			text.put(n, lines);
			for (final String l : lines) boxWidth = Math.max(boxWidth, fm.stringWidth(l) + 2 * PAD);
		}
		final int lineHeight = fm.getHeight();
		final int boxHeight = 2 * lineHeight + 2 * PAD;
		final Map<DecisionTree.Node, Integer> centre = new HashMap<>();
		final int[] nextLeaf = { 0 };
		place(tree.root(), centre, nextLeaf, boxWidth);
		final int width = Math.max(2 * MARGIN + nextLeaf[0] * (boxWidth + GAP_X) - GAP_X, fm.stringWidth(title) + 2 * MARGIN);
		final int height = 2 * MARGIN + lineHeight + GAP_Y / 2 + (tree.depth() + 1) * (boxHeight + GAP_Y) - GAP_Y;
		final BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
		final Graphics2D g = image.createGraphics();
		g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
		g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
		g.setColor(Color.WHITE);
		g.fillRect(0, 0, width, height);
		g.setFont(TEXT);
		g.setColor(Color.BLACK);
		g.drawString(title, MARGIN, MARGIN + fm.getAscent());
		final int top = MARGIN + lineHeight + GAP_Y / 2;
		g.setStroke(new BasicStroke(1.2f));
		for (final DecisionTree.Node n : nodes) {
			final int x = centre.get(n) - boxWidth / 2 + MARGIN;
			final int y = top + n.depth * (boxHeight + GAP_Y);
			g.setColor(n.isLeaf() ? new Color(225, 238, 250) : new Color(245, 245, 245));
			g.fillRoundRect(x, y, boxWidth, boxHeight, 8, 8);
			g.setColor(Color.DARK_GRAY);
			g.drawRoundRect(x, y, boxWidth, boxHeight, 8, 8);
			g.setColor(Color.BLACK);
			final String[] lines = text.get(n);
			final int textTop = y + (boxHeight - lines.length * lineHeight) / 2 + fm.getAscent();
			for (int i = 0; i < lines.length; i++) {
				g.drawString(lines[i], centre.get(n) + MARGIN - fm.stringWidth(lines[i]) / 2, textTop + i * lineHeight);
			}
			if (!n.isLeaf()) {
				final int fromY = y + boxHeight, toY = y + boxHeight + GAP_Y;
				for (final DecisionTree.Node child : new DecisionTree.Node[] { n.left, n.right }) {
					final int toX = centre.get(child) + MARGIN;
					g.setColor(Color.GRAY);
					g.drawLine(centre.get(n) + MARGIN, fromY, toX, toY);
					g.setColor(Color.BLACK);
					final String label = child == n.left ? "yes" : "no";
					g.drawString(label, (centre.get(n) + MARGIN + toX) / 2 + (child == n.left ? -fm.stringWidth(label) - 4 : 4),
						(fromY + toY) / 2 + fm.getAscent() / 2);
				}
			}
		}
		g.dispose();
		return new ImagePlus(title, new ColorProcessor(image));
	}

	/** Leaves at successive slots, splits above the middle of their children; returns the node's centre. */
	private static int place(final DecisionTree.Node n, final Map<DecisionTree.Node, Integer> centre, final int[] nextLeaf, final int boxWidth) {
		final int c;
		if (n.isLeaf()) c = nextLeaf[0]++ * (boxWidth + GAP_X) + boxWidth / 2;
		else c = (place(n.left, centre, nextLeaf, boxWidth) + place(n.right, centre, nextLeaf, boxWidth)) / 2;
		centre.put(n, c);
		return c;
	}
}
