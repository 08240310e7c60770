package dev.lightspeed.train;

import java.util.Map;

/**
 * One row of the training table (and of metrics.jsonl). {@code testLoss}, {@code testAcc} and {@code ttaTestAcc}
 * are measured on the dataset's test split ({@code val_*} is kept for a held-out part of the training images);
 * {@code ttaTestAcc} is NaN except on the final row.
 * Times are seconds; {@code totalTimeSeconds} counts training and per-epoch evaluation since the run began.
 */
public record EpochMetrics(
        int epoch,
        double trainLoss,
        double trainAcc,
        double testLoss,
        double testAcc,
        double ttaTestAcc,
        double epochTrainSeconds,
        double totalTimeSeconds,
        double imagesPerSecond,
        long peakRssBytes,
        Map<String, Double> phaseSeconds) {
}
