package dev.lightspeed.train;

import dev.lightspeed.models.Recipe;
import dev.lightspeed.models.TensorData;
import dev.lightspeed.models.layers.TensorSpec;
import dev.lightspeed.models.run.SplitScores;
import dev.lightspeed.train.parallel.Replicas;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.util.List;
import java.util.Map;

/**
 * What is scored after an epoch: the held-out validation images (when the run holds some out) and the test split,
 * one plain view each; after the last epoch also with the recipe's test-time augmentation (on the recipe's
 * {@code tta-fraction} of the split, the least confident images); and the same for the
 * weights' moving average once it has started (its TTA on the test split only). Replicas of a data-parallel run
 * each score their share of every split with rank 0's batchnorm statistics, and add their counts up.
 */
final class EvaluationPlan {

    /** The epoch's scores; {@code validation} is null when the run holds no images out, both when not scored. */
    record Scores(SplitScores validation, SplitScores test) {

        /** An epoch the run does not score ({@code --eval-every}). */
        static final Scores NOT_SCORED = new Scores(null, null);
    }

    private final Recipe recipe;
    private final ComputeDevice device;
    private final DeviceImages validation;
    private final DeviceImages test;
    private final int batch;
    private final Replicas replicas;

    EvaluationPlan(Recipe recipe, ComputeDevice device, DeviceImages validation, DeviceImages test, int batch,
            Replicas replicas) {
        this.recipe = recipe;
        this.device = device;
        this.validation = validation;
        this.test = test;
        this.batch = batch;
        this.replicas = replicas;
    }

    /**
     * @param averaged the weight average's values, empty while it has not started or when the recipe keeps none
     * @param last     whether this is the run's last epoch
     */
    Scores afterEpoch(Network network, Map<String, TensorData> averaged, boolean last) {
        replicas.broadcast(network.tensors(TensorSpec.Role.STATISTIC));
        SplitScores validationScores = validation == null ? null : score(network, validation, last);
        SplitScores testScores = score(network, test, last);
        if (!averaged.isEmpty()) {
            Network average = Network.fromValues(recipe.architecture(), device, averaged);
            replicas.broadcast(average.tensors(TensorSpec.Role.STATISTIC));
            if (validationScores != null) {
                validationScores = validationScores.withAverage(score(average, validation, false)
                        .accuracy(), null);
            }
            SplitScores averageTest = score(average, test, last);
            testScores = testScores.withAverage(averageTest.accuracy(), averageTest.ttaAccuracy());
        }
        return new Scores(validationScores, testScores);
    }

    /** A plain pass; after the last epoch the TTA pass, whose first view is the plain pass. */
    private SplitScores score(Network network, DeviceImages split, boolean last) {
        int level = last ? recipe.ttaLevel() : 0;
        Evaluation.Scored scored = shared(network, split, level);
        SplitScores scores = SplitScores.plain(scored.plain().loss(), scored.plain().accuracy());
        return last ? scores.withTta(scored.augmented().accuracy()) : scores;
    }

    /** The split scored by every replica on its share, the counts added up. */
    private Evaluation.Scored shared(Network network, DeviceImages split, int ttaLevel) {
        DeviceImages share = split.share(replicas.rank(), replicas.size());
        double[] mine = {0, 0, 0, 0};
        if (share.count() > 0) {
            Evaluation.Scored scored = Evaluation.evaluateViews(network, share, ttaLevel, recipe.ttaFraction(), batch);
            mine = new double[] {scored.plain().correct(), scored.plain().lossSum(), scored.augmented().correct(),
                    scored.augmented().lossSum()};
        }
        // On the device: NCCL reduces device tensors only.
        Tensor totals = Tensor.create(mine, mine.length).to(device.device(), ScalarType.Double);
        replicas.sum(List.of(totals));
        return new Evaluation.Scored(
                new Evaluation.Result(totals.get(0).item_double(), totals.get(1).item_double(), split.count(), null),
                new Evaluation.Result(totals.get(2).item_double(), totals.get(3).item_double(), split.count(), null));
    }
}
