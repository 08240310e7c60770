package dev.lightspeed.train;

import dev.lightspeed.models.Recipe;

/**
 * One training run.
 *
 * @param resume      continue from the last complete epoch saved in the run's folder
 * @param evalBatch   images per forward pass during evaluation
 * @param profile     synchronize the device at phase boundaries so that the phase split is exact
 */
public record TrainConfig(Recipe recipe, long seed, ComputeDevice device, boolean resume, int evalBatch,
        boolean profile) {
}
