package dev.lightspeed.train;

import dev.lightspeed.data.Dataset;
import dev.lightspeed.models.Presets;
import dev.lightspeed.models.Recipe;

/** A run small enough for a test: 2 epochs of 4 steps of 100 random images. */
public final class TinyRun {

    private TinyRun() {
    }

    public static Recipe recipe() {
        return Presets.named("airbench94").with("epochs", "2").with("batch-size", "100")
                .with("whitening-samples", "200").with("whiten-bias-epochs", "1");
    }

    /** 400 training and 100 test images. */
    public static Dataset data() {
        return SyntheticData.dataset(SyntheticData.randomSplit(400, 3), SyntheticData.randomSplit(100, 4));
    }
}
