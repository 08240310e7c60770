package dev.lightspeed.models.trace;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.lightspeed.models.InputError;
import dev.lightspeed.models.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A trace file in the Chrome trace-event format (what Perfetto and chrome://tracing open): either an object whose
 * {@code traceEvents} array holds the events, or a bare array of events (as ONNX Runtime writes them).
 */
public final class ChromeTrace {

    private final Path file;
    private final JsonNode root;
    private final List<JsonNode> events;

    private ChromeTrace(Path file, JsonNode root, List<JsonNode> events) {
        this.file = file;
        this.root = root;
        this.events = events;
    }

    /**
     * Reads a trace.
     *
     * @throws InputError when the file cannot be read, is not JSON, or holds no trace-event array
     */
    public static ChromeTrace read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new InputError(file + " does not exist or is not a file; pass the trace file of a profiled run");
        }
        JsonNode root;
        try {
            root = Json.LENIENT.readTree(file.toFile());
        } catch (JacksonException e) {
            throw notATrace(file, "not JSON: " + e.getOriginalMessage().lines().findFirst().orElse(""));
        } catch (IOException e) {
            throw new InputError("cannot read " + file + ": " + e.getMessage() + "; check the path and permissions");
        }
        JsonNode array = root == null ? null : root.isArray() ? root : root.get("traceEvents");
        if (array == null || !array.isArray()) {
            throw notATrace(file, "no traceEvents array");
        }
        List<JsonNode> events = new ArrayList<>();
        array.forEach(events::add);
        return new ChromeTrace(file, root, events);
    }

    private static InputError notATrace(Path file, String why) {
        return new InputError(file + " is not a Chrome trace (" + why + "); pass the trace file of a profiled run or"
                + " another trace-event JSON with complete (\"ph\": \"X\") events");
    }

    public Path file() {
        return file;
    }

    /** A top-level field of the trace object (such as libtorch's {@code baseTimeNanoseconds}); missing if none. */
    public JsonNode field(String name) {
        JsonNode value = root.isObject() ? root.get(name) : null;
        return value == null ? JsonNodeFactory.instance.missingNode() : value;
    }

    /** Every event, as written. */
    public List<JsonNode> rawEvents() {
        return events;
    }

    /** The complete events ({@code "ph": "X"} with numeric {@code ts} and {@code dur}), in file order. */
    public List<TraceEvent> completeEvents() {
        List<TraceEvent> complete = new ArrayList<>();
        for (JsonNode event : events) {
            if (!"X".equals(event.path("ph").asText()) || !event.path("ts").isNumber()
                    || !event.path("dur").isNumber()) {
                continue;
            }
            JsonNode args = event.path("args");
            complete.add(new TraceEvent(event.path("name").asText(""), event.path("cat").asText(""),
                    event.path("pid").asText("") + "/" + event.path("tid").asText(""), event.get("ts").asDouble(),
                    event.get("dur").asDouble(), args.isObject() ? args : JsonNodeFactory.instance.objectNode()));
        }
        return complete;
    }

    /**
     * The complete events, refusing a trace that has none.
     *
     * @throws InputError when the trace holds no complete event
     */
    public List<TraceEvent> requireCompleteEvents() {
        List<TraceEvent> complete = completeEvents();
        if (complete.isEmpty()) {
            throw notATrace(file, "none of its " + events.size() + " events is a complete (\"ph\": \"X\") event");
        }
        return complete;
    }
}
