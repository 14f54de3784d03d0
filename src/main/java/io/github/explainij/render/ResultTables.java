package io.github.explainij.render;

import ij.measure.ResultsTable;

import io.github.explainij.workflow.ChannelMass;
import io.github.explainij.workflow.ObjectExplanations;

import java.util.List;

/** Results tables of a run: one row per object, or one row per input channel, in the order of the attribution's slices. */
public final class ResultTables {

	private ResultTables() {}

	public static ResultsTable objects(final List<ObjectExplanations.Row> rows) {
		final ResultsTable t = new ResultsTable();
		t.showRowNumbers(false);
		for (final ObjectExplanations.Row r : rows) {
			t.incrementCounter();
			t.addValue("object", r.index);
			t.addValue("label", r.label);
			t.addValue("name", r.name);
			t.addValue("class", r.classIndex);
			t.addValue("class_name", r.className);
			t.addValue("score", r.score);
			t.addValue("inside", r.inside);
			t.addValue("outside", r.outside);
			t.addValue("share_inside", r.shareInside);
		}
		// scientific with 9 significant digits: attributions are often far below 1e-3
		for (final String c : new String[] { "score", "inside", "outside", "share_inside" }) t.setDecimalPlaces(t.getColumnIndex(c), -8);
		return t;
	}

	/** The per-channel table: which channel (stain) carries the attribution. */
	public static ResultsTable channels(final List<ChannelMass.Row> rows) {
		final ResultsTable t = new ResultsTable();
		t.showRowNumbers(false);
		for (final ChannelMass.Row r : rows) {
			t.incrementCounter();
			t.addValue("channel", r.channel);
			t.addValue("name", r.name);
			t.addValue("sum", r.sum);
			t.addValue("mean", r.mean);
			t.addValue("sum_abs", r.sumAbs);
			t.addValue("share_abs", r.shareAbs);
		}
		for (final String c : new String[] { "sum", "mean", "sum_abs", "share_abs" }) t.setDecimalPlaces(t.getColumnIndex(c), -8);
		return t;
	}
}
