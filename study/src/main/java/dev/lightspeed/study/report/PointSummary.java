package dev.lightspeed.study.report;

import dev.lightspeed.study.Stats;
import java.util.Map;

/**
 * The finished runs of one point, summarized per measure.
 *
 * @param n finished runs at the point (a measure some of them lack has a smaller {@link Stats#n()})
 */
record PointSummary(Point point, int n, Map<Measure, Stats> stats) {

    public PointSummary {
        stats = Map.copyOf(stats);
    }

    public Stats stats(Measure measure) {
        return stats.get(measure);
    }
}
