package dev.lightspeed.train;

import java.util.LinkedHashMap;
import java.util.Map;

/** Accumulates wall time per named phase; with {@code exact}, waits for the device at each boundary. */
final class PhaseTimer {

    static final String DATA = "data";
    static final String FORWARD = "forward";
    static final String BACKWARD = "backward";
    static final String OPTIMIZER = "optimizer";
    static final String EVAL = "eval";

    private final ComputeDevice device;
    private final boolean exact;
    private final Map<String, Long> nanos = new LinkedHashMap<>();
    private long mark;

    PhaseTimer(ComputeDevice device, boolean exact) {
        this.device = device;
        this.exact = exact;
        for (String phase : new String[] {DATA, FORWARD, BACKWARD, OPTIMIZER, EVAL}) {
            nanos.put(phase, 0L);
        }
        mark = System.nanoTime();
    }

    void start() {
        if (exact) {
            device.synchronize();
        }
        mark = System.nanoTime();
    }

    /** Charges the time since the last mark to {@code phase} and starts the next phase. */
    void lap(String phase) {
        if (exact) {
            device.synchronize();
        }
        long now = System.nanoTime();
        nanos.merge(phase, now - mark, Long::sum);
        mark = now;
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
