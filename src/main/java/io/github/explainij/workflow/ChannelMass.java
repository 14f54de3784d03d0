package io.github.explainij.workflow;

import io.github.explainij.image.ImagePlusAdapter;
import io.github.explainij.method.Attribution;

import java.util.ArrayList;
import java.util.List;

/**
 * "Which stain drove this decision": the attribution mass of each input channel of a per-channel map
 * (one slice per channel): its sum, mean, sum of magnitudes and that sum's share of all channels'.
 */
public final class ChannelMass {

	/** One channel's numbers. */
	public static final class Row {

		public final int channel;
		public final String name;
		public final double sum;
		public final double mean;
		public final double sumAbs;
		public final double shareAbs;

		Row(final int channel, final String name, final double sum, final double mean, final double sumAbs, final double shareAbs) {
			this.channel = channel;
			this.name = name;
			this.sum = sum;
			this.mean = mean;
			this.sumAbs = sumAbs;
			this.shareAbs = shareAbs;
		}
	}

	private ChannelMass() {}

	/**
	 * @param a a per-channel attribution: its last axis holds one slice per channel
	 * @param names the channels' names, in order
	 */
	public static List<Row> of(final Attribution a, final List<String> names) {
		final float[] v = ImagePlusAdapter.toChw(a.map());
		final int c = names.size(), n = v.length / c;
		final double[] sum = new double[c], abs = new double[c];
		double total = 0;
		for (int k = 0; k < c; k++) {
			for (int i = 0; i < n; i++) {
				sum[k] += v[k * n + i];
				abs[k] += Math.abs(v[k * n + i]);
			}
			total += abs[k];
		}
		final List<Row> rows = new ArrayList<>();
		for (int k = 0; k < c; k++) rows.add(new Row(k + 1, names.get(k), sum[k], sum[k] / n, abs[k], total == 0 ? 0 : abs[k] / total));
		return rows;
	}
}
