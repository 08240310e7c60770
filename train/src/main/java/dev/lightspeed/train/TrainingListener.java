package dev.lightspeed.train;

import dev.lightspeed.models.run.EpochMetrics;

/** What a run reports while it goes; all methods are called on the training thread. */
public interface TrainingListener {

    default void started(String description) {
    }

    default void step(int epoch, int stepInEpoch, int stepsPerEpoch) {
    }

    default void epochFinished(EpochMetrics metrics) {
    }
}
