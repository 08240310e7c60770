package dev.lightspeed.train;

import dev.lightspeed.models.run.EpochMetrics;
import dev.lightspeed.models.run.RunFolder;
import dev.lightspeed.models.run.RunSummary;

import java.nio.file.Path;
import java.util.List;

/**
 * How a run ended: its summary (as summary.json holds it), the rows of the epochs it trained in this call, and its
 * folder. A run whose loss stopped being finite ends {@link #diverged()} rather than failing: that is a finding
 * about its recipe, recorded like any other.
 *
 * @param divergence where and how the loss diverged, in words; null unless the run diverged
 */
public record RunResult(RunFolder folder, RunSummary summary, List<EpochMetrics> epochs, String divergence) {

    public RunResult {
        epochs = List.copyOf(epochs);
    }

    public boolean diverged() {
        return summary.diverged();
    }

    /** The trained model after the last complete epoch (absent when a run diverged in its first epoch). */
    public Path checkpoint() {
        return folder.model();
    }
}
