package dev.lightspeed.models.run;

/**
 * The files of a run folder, as the trainer writes them and as {@code export}, {@code eval} and {@code report}
 * read them.
 */
public final class RunFiles {

    /** One {@link EpochMetrics} per line, in JSON. */
    public static final String METRICS = "metrics.jsonl";
    /** The {@link RunSummary}, written when the run has finished. */
    public static final String SUMMARY = "summary.json";
    /** The trained model (a checkpoint), rewritten after every epoch. */
    public static final String MODEL = "model.safetensors";
    /** The model plus optimizer state after the last complete epoch, for --resume. */
    public static final String RESUME = "resume.safetensors";
    /** A trace of a window of the run's steps (Chrome trace JSON), when a sweep is asked for one per run. */
    public static final String PROFILE = "profile.json";

    private RunFiles() {
    }
}
