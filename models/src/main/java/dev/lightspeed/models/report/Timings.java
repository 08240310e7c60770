package dev.lightspeed.models.report;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.Arrays;
import java.util.List;

/**
 * Where an evaluation's time went, each phase measured on its own.
 *
 * @param sessionSeconds  loading the model and building the session
 * @param warmupSeconds   the warm-up calls before the measured pass, timed apart from it
 * @param warmupBatches   how many warm-up calls
 * @param scoringSeconds  wall-clock time of the measured pass over the split, pixel conversion included
 * @param batches         batches in the measured pass (each one session call, or six when TTA views are fed)
 * @param imagesPerSecond images scored per second of the measured pass
 * @param p50BatchMillis  median latency of one batch (its session calls, without pixel conversion)
 * @param p95BatchMillis  95th-percentile batch latency
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Timings(double sessionSeconds, double warmupSeconds, int warmupBatches, double scoringSeconds,
        int batches, double imagesPerSecond, @JsonProperty("p50_batch_ms") double p50BatchMillis,
        @JsonProperty("p95_batch_ms") double p95BatchMillis) {

    public static Timings of(double sessionSeconds, double warmupSeconds, int warmupBatches, double scoringSeconds,
            int images, List<Double> batchMillis) {
        double[] sorted = batchMillis.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(sorted);
        return new Timings(sessionSeconds, warmupSeconds, warmupBatches, scoringSeconds, sorted.length,
                scoringSeconds > 0 ? images / scoringSeconds : Double.NaN, percentile(sorted, 50),
                percentile(sorted, 95));
    }

    /** Nearest-rank percentile: the smallest value with at least p % of the values at or below it. */
    static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
