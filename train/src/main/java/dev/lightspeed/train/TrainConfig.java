package dev.lightspeed.train;

import dev.lightspeed.models.Recipe;

/**
 * One training run.
 *
 * @param resume      continue from the last complete epoch saved in the run's folder
 * @param evalBatch   images per forward pass during evaluation
 * @param profile     synchronize the device at phase boundaries so that the phase split is exact
 * @param trace       write a trace of these steps (operators and phases), or {@code null} for none: without one,
 *                    no profiler is started and nothing is recorded
 */
public record TrainConfig(Recipe recipe, long seed, ComputeDevice device, boolean resume, int evalBatch,
        boolean profile, TraceRequest trace) {

    /** A run without a trace. */
    public TrainConfig(Recipe recipe, long seed, ComputeDevice device, boolean resume, int evalBatch,
            boolean profile) {
        this(recipe, seed, device, resume, evalBatch, profile, null);
    }
}
