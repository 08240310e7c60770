package dev.lightspeed.models.trace;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A complete event ({@code "ph": "X"}) of a Chrome trace: a named span of one thread.
 *
 * @param thread        the track it belongs to: its pid and tid, as the trace writes them
 * @param startMicros   {@code ts}, microseconds on the trace's time base
 * @param durationMicros {@code dur}, microseconds
 * @param args          its {@code args} object (empty when it has none)
 */
public record TraceEvent(String name, String category, String thread, double startMicros, double durationMicros,
        JsonNode args) {

    public double endMicros() {
        return startMicros + durationMicros;
    }
}
