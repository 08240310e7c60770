package dev.lightspeed.models.trace;

/** The names and categories of the spans lightspeed writes around the work an engine's profiler records. */
public final class SpanNames {

    /** A training step, named {@code step N} with N counted from 1 over the run. */
    public static final String STEP = "step";
    /** A phase of training (data, forward, backward, optimizer, eval). */
    public static final String PHASE = "phase";
    /** A batch that an evaluation scores. */
    public static final String BATCH = "batch";

    private SpanNames() {
    }

    public static String step(int step) {
        return STEP + " " + step;
    }

    /** A batch scored before the measured pass, numbered from 1. */
    public static String warmupBatch(int batch) {
        return "warm-up batch " + batch;
    }

    /** A batch of the measured pass, numbered from 1. */
    public static String batch(int batch) {
        return BATCH + " " + batch;
    }
}
