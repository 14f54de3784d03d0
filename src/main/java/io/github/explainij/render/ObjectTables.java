package io.github.explainij.render;

import ij.measure.ResultsTable;

import io.github.explainij.workflow.ObjectExplanations;

import java.util.List;

/** The per-object results table: one row per object, in the order of the attribution's slices. */
public final class ObjectTables {

	private ObjectTables() {}

	public static ResultsTable of(final List<ObjectExplanations.Row> rows) {
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
}
