package dev.lightspeed.models.run;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.lightspeed.models.Recipe;

import java.util.Map;

/**
 * summary.json: what ran and how it went, its fields in snake_case.
 *
 * @param ttaTestAcc      accuracy with the recipe's test-time augmentation on the test split, after the last epoch
 * @param trainSeconds    the training loops alone (no evaluation, no data loading)
 * @param wallSeconds     the whole run as the caller timed it
 * @param imagesPerSecond training images per second of {@code trainSeconds}
 * @param peakRssBytes    the highest per-epoch peak resident memory
 * @param phaseSeconds    seconds per phase, summed over the epochs
 * @param checkpoint      the path of the trained model
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record RunSummary(
        String preset,
        Recipe recipe,
        long seed,
        String device,
        String precision,
        int threads,
        int epochs,
        int ttaLevel,
        double ttaTestAcc,
        double trainSeconds,
        double wallSeconds,
        double imagesPerSecond,
        long peakRssBytes,
        Map<String, Double> phaseSeconds,
        String checkpoint) {
}
