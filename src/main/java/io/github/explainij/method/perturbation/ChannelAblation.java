package io.github.explainij.method.perturbation;

import io.github.explainij.ExplainException;
import io.github.explainij.method.Attribution;
import io.github.explainij.method.AttributionMethod;
import io.github.explainij.method.ExplainRequest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Channel ablation: "which stain drove this decision", for any model (no stages needed). Each input
 * channel in turn is replaced by its own mean over the image (its information removed, its intensity
 * level kept) and the drop of the explained score, {@code score(x) - score(x with channel c ablated)},
 * is that channel's importance. All channels' ablated images run in one batched forward pass. The map
 * has one slice per channel, each holding that channel's drop everywhere; the drops are also results
 * ({@code drop_<channel>}).
 */
public final class ChannelAblation implements AttributionMethod {

	public static final String NAME = "Channel Ablation";

	@Override
	public Attribution explain(final ExplainRequest request) {
		final int c = request.channels(), n = request.voxels();
		if (c < 2) {
			throw new ExplainException("channel ablation compares the image's channels, and this image has one; " +
				"open a multi-channel image (e.g. a stain and a marker)");
		}
		final int target = request.targetClass();
		final float[] x = request.pixels();
		final float[] drops = new float[c];
		final float base = request.targetScore();
		final BatchedScores.Sampler sampler = (index, buffer, offset) -> {
			System.arraycopy(x, 0, buffer, offset, x.length);
			double mean = 0;
			for (int i = 0; i < n; i++) mean += x[index * n + i];
			final float m = (float) (mean / n);
			for (int i = 0; i < n; i++) buffer[offset + index * n + i] = m;
		};
		BatchedScores.run(request, c, BatchedScores.batchSize(request, 0, c), sampler, (first, count, scores, probabilities) -> {
			for (int s = 0; s < count; s++) drops[first + s] = base - scores[s];
		});
		final float[] map = new float[c * n];
		final Map<String, String> results = new LinkedHashMap<>();
		final List<String> labels = new ArrayList<>();
		for (int k = 0; k < c; k++) {
			java.util.Arrays.fill(map, k * n, (k + 1) * n, drops[k]);
			labels.add("channel " + (k + 1));
			results.put("drop_channel_" + (k + 1), String.format(Locale.ROOT, "%.6g", drops[k]));
		}
		results.put("forward_passes", Integer.toString(c + 1));
		results.put("backward_passes", "0");
		return new Attribution(request.channelMap(map), NAME, target, request.className(target), base, request.logits(), true,
			Map.of("fill", "channel mean", "per_channel", "true"), results, labels);
	}

	@Override
	public boolean supportsVolumes() {
		return true;
	}
}
