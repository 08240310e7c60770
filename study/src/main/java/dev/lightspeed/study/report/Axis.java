package dev.lightspeed.study.report;

import java.util.List;

/**
 * A hyperparameter that varies across the runs of a study, named as in recipes ({@code batch-size}), with its
 * values as text in the order the sweep listed them (or ascending, when inferred from the runs' recipes).
 */
record Axis(String name, List<String> values) {

    public Axis {
        values = List.copyOf(values);
    }

    /** Where a value stands on this axis; values the axis does not list sort after those it does. */
    int position(String value) {
        int index = values.indexOf(value);
        return index >= 0 ? index : values.size();
    }
}
