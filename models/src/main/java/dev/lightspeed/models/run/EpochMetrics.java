package dev.lightspeed.models.run;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.Map;

/**
 * One row of the training table, and one line of metrics.jsonl (its fields in snake_case). {@code val*} are
 * measured on the held-out part of the training images (null when the run held none out), {@code test*} on the
 * dataset's test split. The {@code tta*} accuracies use the recipe's test-time augmentation and are null except on
 * the final row. {@code ema*} are the same measures of the weights' exponential moving average, null when the recipe
 * keeps none or the average has not started. Times are seconds; {@code totalTimeSeconds} counts training and per-epoch evaluation since the run
 * began.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record EpochMetrics(
        int epoch,
        double trainLoss,
        double trainAcc,
        Double valLoss,
        Double valAcc,
        double testLoss,
        double testAcc,
        Double ttaValAcc,
        Double ttaTestAcc,
        Double emaValAcc,
        Double emaTestAcc,
        Double ttaEmaTestAcc,
        double epochTrainSeconds,
        double totalTimeSeconds,
        double imagesPerSecond,
        long peakRssBytes,
        Map<String, Double> phaseSeconds) {
}
