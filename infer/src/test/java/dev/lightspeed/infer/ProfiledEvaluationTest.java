package dev.lightspeed.infer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lightspeed.data.ClassifiedSplit;
import dev.lightspeed.data.ImageSplit;
import dev.lightspeed.models.ImageGeometry;
import dev.lightspeed.models.trace.TraceRecorder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProfiledEvaluationTest {

    private static final ImageGeometry RGB32 = new ImageGeometry(3, 32);
    /** ONNX Runtime writes whole microseconds, truncated. */
    private static final double SLACK_MICROS = 1;

    private record Span(String name, String category, long tid, double start, double end, JsonNode args) {

        boolean contains(Span other) {
            return tid == other.tid && other.start >= start - SLACK_MICROS && other.end <= end + SLACK_MICROS;
        }
    }

    @Test
    void onnxRuntimesRunsAndNodesFallInsideTheBatchSpansThatCalledThem(@TempDir Path dir) throws Exception {
        TestModels.Linear model = TestModels.linear(dir, "linear.onnx", RGB32, 10, Map.of());
        byte[] images = new byte[20 * RGB32.values()];
        new Random(5).nextBytes(images);
        ImageSplit split = new ImageSplit(images, new int[20], RGB32.channels(), RGB32.size());
        List<String> classes = List.of("c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "c9");
        TraceRecorder trace = new TraceRecorder();
        Path file = dir.resolve("eval-trace.json");
        try (OnnxClassifier classifier = OnnxClassifier.openProfiled(model.file(), SessionSettings.cpu())) {
            classifier.evaluate(new ClassifiedSplit("random", classes, split), new EvalSettings(8, 2, false), trace);
            classifier.endProfilingInto(trace);
            assertThrows(IllegalStateException.class, () -> classifier.endProfilingInto(trace), "ended already");
        }
        trace.write(file);

        List<Span> spans = new ArrayList<>();
        for (JsonNode event : new ObjectMapper().readTree(file.toFile()).get("traceEvents")) {
            if (event.get("ph").asText().equals("X")) {
                double start = event.get("ts").asDouble();
                spans.add(new Span(event.get("name").asText(), event.path("cat").asText(),
                        event.get("tid").asLong(), start, start + event.get("dur").asDouble(), event.get("args")));
            }
        }
        List<Span> batches = spans.stream().filter(s -> s.category().equals("batch")).toList();
        assertEquals(List.of("warm-up batch 1", "warm-up batch 2", "batch 1", "batch 2", "batch 3"),
                batches.stream().map(Span::name).toList());
        List<Span> runs = spans.stream().filter(s -> s.name().equals("model_run")).toList();
        assertEquals(5, runs.size(), "one run per batch");
        for (Span run : runs) {
            assertTrue(batches.stream().anyMatch(b -> b.contains(run)), run + " outside every batch " + batches);
        }
        List<Span> nodes = spans.stream().filter(s -> s.category().equals("Node")).toList();
        assertFalse(nodes.isEmpty());
        for (Span node : nodes) {
            assertTrue(node.args().hasNonNull("op_name"), node.toString());
            assertTrue(runs.stream().anyMatch(r -> r.contains(node)), node + " outside every run");
        }
    }
}
