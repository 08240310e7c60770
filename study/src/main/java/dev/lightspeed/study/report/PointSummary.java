package dev.lightspeed.study.report;

import dev.lightspeed.study.Stats;
import java.util.Map;

/**
 * The finished runs of one point, summarized per measure, and how many of its runs diverged.
 *
 * @param n        finished runs at the point (a measure some of them lack has a smaller {@link Stats#n()})
 * @param diverged runs at the point whose loss diverged: they have no accuracy to summarize
 */
record PointSummary(Point point, int n, int diverged, Map<Measure, Stats> stats) {

    public PointSummary {
        stats = Map.copyOf(stats);
    }

    /** Every run of the point that ended, diverged: the cell is a divergence, not a missing value. */
    public boolean allDiverged() {
        return n == 0 && diverged > 0;
    }

    public Stats stats(Measure measure) {
        return stats.get(measure);
    }
}
