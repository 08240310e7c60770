package dev.lightspeed.models.run;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.Map;

/**
 * One row of the training table, and one line of metrics.jsonl (its fields in snake_case). {@code testLoss},
 * {@code testAcc} and {@code ttaTestAcc} are measured on the dataset's test split ({@code val_*} is left for a
 * held-out part of the training images); {@code ttaTestAcc} is null except on the final row. Times are seconds;
 * {@code totalTimeSeconds} counts training and per-epoch evaluation since the run began.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record EpochMetrics(
        int epoch,
        double trainLoss,
        double trainAcc,
        double testLoss,
        double testAcc,
        Double ttaTestAcc,
        double epochTrainSeconds,
        double totalTimeSeconds,
        double imagesPerSecond,
        long peakRssBytes,
        Map<String, Double> phaseSeconds) {
}
