package dev.lightspeed.models.run;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.lightspeed.models.Recipe;

import java.util.Map;

/**
 * summary.json: what ran and how it went, its fields in snake_case. Accuracies are those after the last epoch; a
 * run that diverged has none (null) and says at which step it stopped.
 *
 * @param dataset         the dataset's name
 * @param holdout         training images held out as the validation split (0: none; {@code val*} are then null)
 * @param holdoutSeed     the seed that chose them (the same images for the same seed and count)
 * @param threads         CPU threads of each process
 * @param worldSize       data-parallel processes that trained the run together (1: one; absent in older
 *                        summaries, read as 1)
 * @param status          finished, or diverged (the loss stopped being finite)
 * @param divergedAtStep  the step, counted from 1 over the run, whose loss was not finite; null unless diverged
 * @param valAcc          accuracy on the held-out validation images, one plain view
 * @param ttaValAcc       the same with the recipe's test-time augmentation
 * @param testAcc         accuracy on the test split, one plain view
 * @param ttaTestAcc      the same with the recipe's test-time augmentation
 * @param emaTestAcc      accuracy of the weights' moving average on the test split (null when the recipe keeps none)
 * @param ttaEmaTestAcc   the same with test-time augmentation
 * @param trainSeconds    the training loops alone (no evaluation, no data loading)
 * @param wallSeconds     the whole run as the caller timed it
 * @param imagesPerSecond training images per second of {@code trainSeconds}
 * @param peakRssBytes    the highest per-epoch peak resident memory
 * @param phaseSeconds    seconds per phase, summed over the epochs
 * @param checkpoint      the path of the trained model (after the last complete epoch); null when a run diverged
 *                        before its first epoch ended
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record RunSummary(
        String preset,
        Recipe recipe,
        long seed,
        String dataset,
        int holdout,
        long holdoutSeed,
        String device,
        String precision,
        int threads,
        int worldSize,
        int epochs,
        int ttaLevel,
        RunStatus status,
        Integer divergedAtStep,
        Double valAcc,
        Double ttaValAcc,
        Double testAcc,
        Double ttaTestAcc,
        Double emaTestAcc,
        Double ttaEmaTestAcc,
        double trainSeconds,
        double wallSeconds,
        double imagesPerSecond,
        long peakRssBytes,
        Map<String, Double> phaseSeconds,
        String checkpoint) {

    public RunSummary {
        status = status == null ? RunStatus.FINISHED : status;
        worldSize = Math.max(1, worldSize);
        if ((status == RunStatus.DIVERGED) != (divergedAtStep != null)) {
            throw new IllegalArgumentException("a diverged run, and only one, names the step it diverged at");
        }
    }

    public boolean diverged() {
        return status == RunStatus.DIVERGED;
    }
}
