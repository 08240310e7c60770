package dev.lightspeed.train;

import dev.lightspeed.models.Recipe;
import dev.lightspeed.models.TensorData;
import dev.lightspeed.models.run.SplitScores;

import java.util.Map;

/**
 * What is scored after an epoch: the held-out validation images (when the run holds some out) and the test split,
 * one plain view each; after the last epoch also with the recipe's test-time augmentation; and the same for the
 * weights' moving average once it has started (its TTA on the test split only).
 */
final class EvaluationPlan {

    /** The epoch's scores; {@code validation} is null when the run holds no images out. */
    record Scores(SplitScores validation, SplitScores test) {
    }

    private final Recipe recipe;
    private final ComputeDevice device;
    private final DeviceImages validation;
    private final DeviceImages test;
    private final int batch;

    EvaluationPlan(Recipe recipe, ComputeDevice device, DeviceImages validation, DeviceImages test, int batch) {
        this.recipe = recipe;
        this.device = device;
        this.validation = validation;
        this.test = test;
        this.batch = batch;
    }

    /**
     * @param averaged the weight average's values, empty while it has not started or when the recipe keeps none
     * @param last     whether this is the run's last epoch
     */
    Scores afterEpoch(Network network, Map<String, TensorData> averaged, boolean last) {
        SplitScores validationScores = validation == null ? null : score(network, validation, last);
        SplitScores testScores = score(network, test, last);
        if (!averaged.isEmpty()) {
            Network average = Network.fromValues(recipe.architecture(), device, averaged);
            if (validationScores != null) {
                validationScores = validationScores.withAverage(score(average, validation, false)
                        .accuracy(), null);
            }
            SplitScores averageTest = score(average, test, last);
            testScores = testScores.withAverage(averageTest.accuracy(), averageTest.ttaAccuracy());
        }
        return new Scores(validationScores, testScores);
    }

    /** A plain pass, then (after the last epoch) the TTA pass, unless TTA level 0 makes it the same pass. */
    private SplitScores score(Network network, DeviceImages split, boolean last) {
        Evaluation.Result plain = Evaluation.evaluate(network, split, 0, batch);
        SplitScores scores = SplitScores.plain(plain.loss(), plain.accuracy());
        if (!last) {
            return scores;
        }
        return scores.withTta(recipe.ttaLevel() == 0 ? plain.accuracy()
                : Evaluation.evaluate(network, split, recipe.ttaLevel(), batch).accuracy());
    }
}
