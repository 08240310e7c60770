package dev.lightspeed.study.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** One setting of a study: a value for each of its axes, in the axes' order. Repeats of a point differ by seed. */
record Point(List<String> values) {

    public Point {
        values = List.copyOf(values);
    }

    /** {@code batch-size=500, lr-scale=1}, or {@code all runs} for a study without axes. */
    public String label(List<Axis> axes) {
        if (axes.isEmpty()) {
            return "all runs";
        }
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < axes.size(); i++) {
            parts.add(axes.get(i).name() + "=" + values.get(i));
        }
        return String.join(", ", parts);
    }

    /** Orders points as a sweep lists them: by the first axis's values, then the second's, and so on. */
    static Comparator<Point> inSweepOrder(List<Axis> axes) {
        return (a, b) -> {
            for (int i = 0; i < axes.size(); i++) {
                int order = Integer.compare(axes.get(i).position(a.values.get(i)),
                        axes.get(i).position(b.values.get(i)));
                if (order != 0) {
                    return order;
                }
            }
            return 0;
        };
    }
}
