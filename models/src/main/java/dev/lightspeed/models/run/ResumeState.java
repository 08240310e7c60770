package dev.lightspeed.models.run;

import dev.lightspeed.models.Checkpoint;
import dev.lightspeed.models.Recipe;
import dev.lightspeed.models.TensorData;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a run folder keeps for continuing a run after its last complete epoch: the model (with the recipe and seed
 * the run started with), the optimizer's state, and which training images the run held out.
 *
 * @param checkpoint    the model after {@link Checkpoint#epoch()} epochs, with its recipe and seed
 * @param trainingState the optimizer's tensors by name (momentum buffers and the like)
 * @param step          training steps done, counted over the run
 * @param holdout       training images held out of training (0: none)
 * @param holdoutSeed   the seed that chose them
 * @param worldSize     how many data-parallel processes trained it (1: one); a run continues only with as many,
 *                      since each replica's batchnorm statistics and share of every batch depend on it
 */
public record ResumeState(Checkpoint checkpoint, Map<String, TensorData> trainingState, int step, int holdout,
        long holdoutSeed, int worldSize) {

    public ResumeState {
        trainingState = Collections.unmodifiableMap(new LinkedHashMap<>(trainingState));
        worldSize = Math.max(1, worldSize);
    }

    public Recipe recipe() {
        return checkpoint.recipe();
    }

    public long seed() {
        return checkpoint.seed();
    }

    /** Epochs complete. */
    public int epoch() {
        return checkpoint.epoch();
    }

    /** True when every epoch of the recipe trained: nothing is left to continue. */
    public boolean complete() {
        return checkpoint.epoch() >= checkpoint.recipe().epochs();
    }
}
