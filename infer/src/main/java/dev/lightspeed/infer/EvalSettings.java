package dev.lightspeed.infer;

import dev.lightspeed.models.EvalBatch;
import dev.lightspeed.models.InputError;

/**
 * How to evaluate.
 *
 * @param batchSize     images per session call
 * @param warmupBatches batches scored before the measured pass (and timed on their own), so that lazy
 *                      allocations and kernel selection do not count as scoring time
 * @param tta           score test-time augmentation level 2 by feeding the six views of each image to a model that
 *                      scores single views
 */
public record EvalSettings(int batchSize, int warmupBatches, boolean tta) {

    public static final int DEFAULT_WARMUP_BATCHES = 2;

    public EvalSettings {
        if (batchSize < 1) {
            throw InputError.in("batch-size", "batch-size must be at least 1, got " + batchSize);
        }
        if (warmupBatches < 0) {
            throw InputError.in("warmup-batches", "warmup-batches must be 0 or more, got " + warmupBatches);
        }
    }

    public static EvalSettings defaults() {
        return new EvalSettings(EvalBatch.DEFAULT_SIZE, DEFAULT_WARMUP_BATCHES, false);
    }

    /**
     * The batch size to use when none is asked for: {@link EvalBatch#defaultFor} the model's image size, or a sixth
     * of that for a graph that scores six TTA views per image, so that one call holds about as many pixels either
     * way: the memory a call needs grows with the pixels it holds.
     */
    public static int defaultBatchSize(ModelInfo model) {
        int images = EvalBatch.defaultFor(model.geometry().size());
        return model.ttaLevel() > 0 ? Math.max(1, images / TtaViews.VIEW_COUNT) : images;
    }
}
