package dev.lightspeed.train;

import java.util.Map;

/**
 * One row of the training table (and of metrics.jsonl). {@code ttaValAcc} is NaN except on the final row.
 * Times are seconds; {@code totalTimeSeconds} counts training and per-epoch evaluation since the run began.
 */
public record EpochMetrics(
        int epoch,
        double trainLoss,
        double trainAcc,
        double valLoss,
        double valAcc,
        double ttaValAcc,
        double epochTrainSeconds,
        double totalTimeSeconds,
        double imagesPerSecond,
        long peakRssBytes,
        Map<String, Double> phaseSeconds) {
}
