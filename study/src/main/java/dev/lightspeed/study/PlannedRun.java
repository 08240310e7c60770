package dev.lightspeed.study;

import dev.lightspeed.models.Recipe;

import java.util.Map;

/**
 * One run of a sweep: a point of the grid (axis name to value, in the sweep's axis order; for an ablation study
 * {@code ablation} to {@code none} or the assignment) and a repeat's seed.
 *
 * @param index  position in the sweep's run order, which shards divide
 * @param folder the run folder, relative to the sweep folder
 */
public record PlannedRun(int index, Map<String, String> point, long seed, String folder, Recipe recipe) {

    /** The point as {@code name=value} pairs, for messages; an ablation as {@code ablation whitening=off}. */
    public String describePoint() {
        return point.isEmpty() ? "the base recipe" : String.join(" ", point.entrySet().stream()
                .map(e -> e.getKey() + (e.getKey().equals(Axis.ABLATION) ? " " : "=") + e.getValue()).toList());
    }
}
