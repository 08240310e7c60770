package dev.lightspeed.train;

import dev.lightspeed.models.Recipe;

import java.nio.file.Path;

/**
 * One training run.
 *
 * @param out         folder for metrics.jsonl, summary.json and model.safetensors
 * @param resume      continue from the last complete epoch saved in {@code out}
 * @param evalBatch   images per forward pass during evaluation
 * @param profile     synchronize the device at phase boundaries so that the phase split is exact
 */
public record TrainConfig(Recipe recipe, long seed, ComputeDevice device, Path out, boolean resume, int evalBatch,
        boolean profile) {
}
