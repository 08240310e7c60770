package dev.lightspeed.models.trace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lightspeed.models.InputError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TraceFilesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void spansAndAnotherProfilersEventsShareOneTimeBase(@TempDir Path dir) throws Exception {
        TraceRecorder recorder = new TraceRecorder();
        long t0 = 1_700_000_000_000_000_000L;
        recorder.name("lightspeed test", "main");
        recorder.span("step 1", "step", t0 + 5_000, t0 + 105_000, Map.of("step", 1));
        // Another profiler's event at 20 µs after its own zero, which is 1 µs after ours.
        List<JsonNode> foreign = List.of(JSON.readTree(
                "{\"name\": \"aten::mm\", \"ph\": \"X\", \"ts\": 20.5, \"dur\": 30, \"pid\": 1, \"tid\": 2,"
                        + " \"args\": {\"Input Dims\": [[2, 3], [3, 4]]}}"));
        recorder.merge(foreign, t0 + 1_000);
        recorder.note("profiled steps", "1-1");
        assertTrue(recorder.hasEvents());
        Path file = dir.resolve("sub").resolve("trace.json");
        recorder.write(file);

        ChromeTrace trace = ChromeTrace.read(file);
        List<TraceEvent> events = trace.completeEvents();
        assertEquals(2, events.size());
        TraceEvent step = events.get(0);
        TraceEvent mm = events.get(1);
        // The earliest event (the step, at t0 + 5 µs) is the file's zero; the foreign one is at t0 + 21.5 µs.
        assertEquals(0.0, step.startMicros(), 1e-9);
        assertEquals(16.5, mm.startMicros(), 1e-9);
        assertEquals(30.0, mm.durationMicros(), 1e-9);
        assertEquals(100.0, step.durationMicros(), 1e-9);
        assertEquals(1, step.args().get("step").asInt());
        assertEquals("1/2", mm.thread());
        assertEquals(ProcessHandle.current().pid() + "/" + step.thread().split("/")[1], step.thread());
        assertEquals("ms", trace.field("displayTimeUnit").asText());
        assertEquals("1-1", trace.field("otherData").get("profiled steps").asText());
        assertEquals(Long.toString(t0 + 5_000), trace.field("otherData").get("origin_epoch_ns").asText());
        assertTrue(trace.rawEvents().stream().anyMatch(e -> e.get("ph").asText().equals("M")));
        try (var listing = Files.list(file.getParent())) {
            assertEquals(List.of(file), listing.toList(), "no temporary file left beside the trace");
        }
    }

    @Test
    void aBareArrayOfEventsIsATraceToo(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("ort.json");
        Files.writeString(file, "[{\"cat\": \"Node\", \"name\": \"conv_kernel_time\", \"ph\": \"X\", \"ts\": 3,"
                + " \"dur\": 4, \"pid\": 9, \"tid\": 9, \"args\": {\"op_name\": \"Conv\"}},"
                + " {\"name\": \"mark\", \"ph\": \"i\", \"ts\": 1, \"pid\": 9, \"tid\": 9}]");
        List<TraceEvent> events = ChromeTrace.read(file).requireCompleteEvents();
        assertEquals(1, events.size());
        assertEquals("Conv", events.get(0).args().get("op_name").asText());
    }

    @Test
    void aFileThatIsNotATraceIsOneLineOfError(@TempDir Path dir) throws Exception {
        Path text = dir.resolve("notes.txt");
        Files.writeString(text, "hello\nworld\n");
        Path object = dir.resolve("metrics.json");
        Files.writeString(object, "{\"epoch\": 1}");
        Path noSpans = dir.resolve("instants.json");
        Files.writeString(noSpans, "{\"traceEvents\": [{\"name\": \"mark\", \"ph\": \"i\", \"ts\": 1}]}");
        for (Path bad : List.of(text, object, noSpans, dir.resolve("missing.json"), dir)) {
            InputError error = assertThrows(InputError.class, () -> ChromeTrace.read(bad).requireCompleteEvents());
            assertFalse(error.getMessage().contains("\n"), error.getMessage());
            assertTrue(error.getMessage().startsWith(bad.toString()), error.getMessage());
        }
        assertTrue(assertThrows(InputError.class, () -> ChromeTrace.read(text)).getMessage()
                .contains("is not a Chrome trace (not JSON"));
        assertTrue(assertThrows(InputError.class, () -> ChromeTrace.read(noSpans).requireCompleteEvents())
                .getMessage().contains("none of its 1 events is a complete"));
    }
}
