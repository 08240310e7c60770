package dev.lightspeed.train;

import dev.lightspeed.models.trace.TraceRecorder;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Accumulates wall time per named phase; with {@code exact}, or while it writes its laps into a trace, waits for
 * the device at each boundary.
 */
final class PhaseTimer {

    static final String DATA = "data";
    static final String FORWARD = "forward";
    static final String BACKWARD = "backward";
    /** Summing the replicas' gradients in a data-parallel run (nothing in a single process). */
    static final String ALLREDUCE = "allreduce";
    static final String OPTIMIZER = "optimizer";
    static final String EVAL = "eval";

    private final ComputeDevice device;
    private final boolean exact;
    private final Map<String, Long> nanos = new LinkedHashMap<>();
    private long mark;
    /** Where laps also go while a profiled window is recorded; null otherwise, and then laps cost nothing more. */
    private TrainingTrace trace;
    /** The start of the current phase on the trace's clock. */
    private long traceMark;

    PhaseTimer(ComputeDevice device, boolean exact) {
        this.device = device;
        this.exact = exact;
        for (String phase : new String[] {DATA, FORWARD, BACKWARD, ALLREDUCE, OPTIMIZER, EVAL}) {
            nanos.put(phase, 0L);
        }
        mark = System.nanoTime();
    }

    void start() {
        if (exact || trace != null) {
            device.synchronize();
        }
        mark = System.nanoTime();
        if (trace != null) {
            traceMark = TraceRecorder.now();
        }
    }

    /** Writes each following lap into {@code trace} as a span, or stops doing so ({@code null}). */
    void traceInto(TrainingTrace trace) {
        this.trace = trace;
        traceMark = TraceRecorder.now();
    }

    /**
     * Starts the next traced phase now, leaving the time since the last lap out of the trace (though not out of
     * the phase totals); returns now on the trace's clock.
     */
    long restartTrace() {
        traceMark = TraceRecorder.now();
        return traceMark;
    }

    /** Charges the time since the last mark to {@code phase} and starts the next phase. */
    void lap(String phase) {
        if (exact || trace != null) {
            device.synchronize();
        }
        long now = System.nanoTime();
        nanos.merge(phase, now - mark, Long::sum);
        mark = now;
        if (trace != null) {
            long traceNow = TraceRecorder.now();
            trace.phase(phase, traceMark, traceNow);
            traceMark = traceNow;
        }
    }

    Map<String, Double> secondsByPhase() {
        Map<String, Double> out = new LinkedHashMap<>();
        nanos.forEach((k, v) -> out.put(k, v / 1e9));
        return out;
    }

    void reset() {
        nanos.replaceAll((k, v) -> 0L);
    }
}
