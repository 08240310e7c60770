package dev.lightspeed.models.trace;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lightspeed.models.AtomicFiles;
import dev.lightspeed.models.Json;

import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Builds a Chrome trace of this process: spans recorded on the calling thread, and the events of an engine's own
 * profiler (libtorch's, ONNX Runtime's) moved onto the same time base. Times are nanoseconds since the Unix epoch
 * on the system clock, the clock both engines stamp their events with, so that an operator falls inside the span
 * of the code that called it; the written file counts microseconds from its earliest event.
 */
public final class TraceRecorder {

    /** An event and its start in nanoseconds since the epoch ({@code null} for events that have no time). */
    private record Timed(ObjectNode event, Long startNanos) {
    }

    private static final ThreadLocal<Long> THREAD_ID = ThreadLocal.withInitial(TraceRecorder::systemThreadId);

    private final long pid = ProcessHandle.current().pid();
    private final List<Timed> events = new ArrayList<>();
    private final ObjectNode otherData = JsonNodeFactory.instance.objectNode();

    /** Now, in nanoseconds since the epoch: the clock of every time this recorder takes. */
    public static long now() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    /**
     * The calling thread's id as the operating system knows it, which is the tid the engines' profilers give the
     * thread's events, so that our spans and their operators share a track. Where the system does not say (not
     * Linux), Java's thread id, and the engines' events land on a track of their own.
     */
    private static long systemThreadId() {
        try {
            Path self = Files.readSymbolicLink(Path.of("/proc/thread-self"));
            return Long.parseLong(self.getFileName().toString());
        } catch (IOException | RuntimeException e) {
            return Thread.currentThread().getId();
        }
    }

    /** A complete event of the calling thread from {@code startNanos} to {@code endNanos}. */
    public void span(String name, String category, long startNanos, long endNanos, Map<String, ?> args) {
        ObjectNode event = JsonNodeFactory.instance.objectNode();
        event.put("name", name);
        event.put("cat", category);
        event.put("ph", "X");
        event.put("ts", 0.0);
        event.put("dur", Math.max(0, endNanos - startNanos) / 1e3);
        event.put("pid", pid);
        event.put("tid", THREAD_ID.get());
        event.set("args", Json.LENIENT.valueToTree(args));
        events.add(new Timed(event, startNanos));
    }

    /** Names the calling thread's track and this process. */
    public void name(String process, String thread) {
        events.add(new Timed(metadata("process_name", process, 0), null));
        events.add(new Timed(metadata("thread_name", thread, THREAD_ID.get()), null));
    }

    private ObjectNode metadata(String kind, String value, long tid) {
        ObjectNode event = JsonNodeFactory.instance.objectNode();
        event.put("name", kind);
        event.put("ph", "M");
        event.put("pid", pid);
        event.put("tid", tid);
        event.putObject("args").put("name", value);
        return event;
    }

    /**
     * Takes over events of another profiler whose {@code ts} count microseconds from {@code zeroNanos}
     * (nanoseconds since the epoch); events without a time are kept as they are. The events become this trace's:
     * the caller does not use them again (an engine's trace can be large, so they are not copied).
     */
    public void merge(List<JsonNode> foreign, long zeroNanos) {
        for (JsonNode event : foreign) {
            if (!event.isObject()) {
                continue;
            }
            JsonNode ts = event.get("ts");
            events.add(new Timed((ObjectNode) event, ts != null && ts.isNumber()
                    ? zeroNanos + Math.round(ts.asDouble() * 1e3) : null));
        }
    }

    /** A line of the trace's {@code otherData}, which viewers show as the trace's metadata. */
    public void note(String key, String value) {
        otherData.put(key, value);
    }

    /** Whether any complete event was recorded or merged. */
    public boolean hasEvents() {
        return events.stream().anyMatch(t -> "X".equals(t.event().path("ph").asText()));
    }

    /** Writes the trace (whole or not at all), its {@code ts} counted in microseconds from its earliest event. */
    public void write(Path file) throws IOException {
        long origin = events.stream().filter(t -> t.startNanos() != null).mapToLong(Timed::startNanos).min()
                .orElse(0);
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        ArrayNode array = root.putArray("traceEvents");
        for (Timed timed : events) {
            // In place: the start in nanoseconds stays the truth, so writing again gives the same file.
            if (timed.startNanos() != null) {
                timed.event().put("ts", (timed.startNanos() - origin) / 1e3);
            }
            array.add(timed.event());
        }
        root.put("displayTimeUnit", "ms");
        ObjectNode other = otherData.deepCopy();
        other.put("origin_epoch_ns", Long.toString(origin));
        root.set("otherData", other);
        AtomicFiles.write(file, channel -> Json.LENIENT.writer().without(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
                .writeValue(Channels.newOutputStream(channel), root));
    }
}
