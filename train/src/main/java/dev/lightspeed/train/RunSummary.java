package dev.lightspeed.train;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.lightspeed.models.Recipe;

import java.util.LinkedHashMap;
import java.util.List;
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

    public static RunSummary of(TrainConfig config, Trainer.Result result, double wallSeconds) {
        List<EpochMetrics> epochs = result.epochs();
        double images = epochs.stream().mapToDouble(e -> e.imagesPerSecond() * e.epochTrainSeconds()).sum();
        Map<String, Double> phases = new LinkedHashMap<>();
        epochs.forEach(e -> e.phaseSeconds().forEach((k, v) -> phases.merge(k, v, Double::sum)));
        Recipe recipe = config.recipe();
        return new RunSummary(recipe.preset(), recipe, config.seed(), config.device().kind(),
                config.device().precisionName(), org.bytedeco.pytorch.global.torch.get_num_threads(),
                recipe.epochs(), recipe.ttaLevel(), result.ttaTestAcc(), result.trainSeconds(), wallSeconds,
                result.trainSeconds() > 0 ? images / result.trainSeconds() : 0,
                epochs.stream().mapToLong(EpochMetrics::peakRssBytes).max().orElse(0), phases,
                result.output().model().toString());
    }
}
