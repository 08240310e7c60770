package dev.lightspeed.study.profile;

import dev.lightspeed.models.trace.ChromeTrace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Small traces written by hand, whose aggregates are known. */
final class HandMadeTraces {

    private final List<String> events = new ArrayList<>();

    HandMadeTraces event(String name, int tid, double ts, double dur) {
        events.add(String.format(Locale.ROOT, "{\"name\": \"%s\", \"ph\": \"X\", \"ts\": %s, \"dur\": %s,"
                + " \"pid\": 1, \"tid\": %d, \"args\": {}}", name, ts, dur, tid));
        return this;
    }

    HandMadeTraces onnxNode(String node, String opType, double ts, double dur) {
        events.add(String.format(Locale.ROOT, "{\"cat\": \"Node\", \"name\": \"%s\", \"ph\": \"X\", \"ts\": %s,"
                + " \"dur\": %s, \"pid\": 1, \"tid\": 1, \"args\": {\"op_name\": \"%s\"}}", node, ts, dur, opType));
        return this;
    }

    Path write(Path file) throws IOException {
        Files.writeString(file, "{\"traceEvents\": [" + String.join(",\n", events) + "]}");
        return file;
    }

    OperatorTable table(Path file) throws IOException {
        return OperatorTable.of(ChromeTrace.read(write(file)).requireCompleteEvents());
    }
}
