package dev.lightspeed.data;

/** Receives progress of a long operation, such as a download (bytes) or a training epoch (batches). */
@FunctionalInterface
public interface ProgressListener {

    /**
     * @param done  units finished so far
     * @param total units in all, or a value of 0 or less when unknown (a server that sends no length)
     */
    void update(long done, long total);

    /** A listener that ignores progress, for callers that have nothing to show it on. */
    static ProgressListener none() {
        return (done, total) -> {
        };
    }
}
