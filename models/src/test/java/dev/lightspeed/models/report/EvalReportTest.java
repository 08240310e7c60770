package dev.lightspeed.models.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EvalReportTest {

    @Test
    void jsonHasTheSnakeCaseKeysScriptsRead() throws Exception {
        ClassTally tally = new ClassTally(2);
        tally.add(0, 0);
        tally.add(0, 1);
        tally.add(0, 0);
        Timings timings = new Timings(0.5, 0.25, 2, 1.5, 3, 2.0, 10.0, 12.0);
        EvalReport report = EvalReport.of("m.onnx", "int8", "cpu", 4, 100, TtaMode.IN_GRAPH, tally,
                List.of("cat", "dog"), timings);

        JsonNode json = new ObjectMapper().readTree(report.toJson());

        assertEquals(List.of("model", "precision", "provider", "threads", "batch_size", "tta", "tta_level",
                "tta_fraction", "images", "correct", "accuracy", "per_class", "timings"), names(json));
        assertEquals("m.onnx", json.get("model").asText());
        assertEquals("int8", json.get("precision").asText());
        assertEquals("cpu", json.get("provider").asText());
        assertEquals(4, json.get("threads").asInt());
        assertEquals(100, json.get("batch_size").asInt());
        assertEquals("graph", json.get("tta").asText());
        assertEquals(2, json.get("tta_level").asInt());
        assertEquals(1.0, json.get("tta_fraction").asDouble(), "the graph scores every view of every image");
        assertEquals(3, json.get("images").asInt());
        assertEquals(2, json.get("correct").asInt());
        assertEquals(2.0 / 3, json.get("accuracy").asDouble(), 1e-15);

        JsonNode cat = json.get("per_class").get(0);
        assertEquals(List.of("name", "correct", "total", "accuracy"), names(cat));
        assertEquals("cat", cat.get("name").asText());
        assertEquals(2, cat.get("correct").asInt());
        assertEquals(3, cat.get("total").asInt());
        assertEquals(2.0 / 3, cat.get("accuracy").asDouble(), 1e-15);
        assertTrue(json.get("per_class").get(1).get("accuracy").isNull(), "no dog image: accuracy null, not NaN");

        JsonNode time = json.get("timings");
        assertEquals(List.of("session_seconds", "warmup_seconds", "warmup_batches", "scoring_seconds", "batches",
                "images_per_second", "p50_batch_ms", "p95_batch_ms"), names(time));
        assertEquals(0.5, time.get("session_seconds").asDouble());
        assertEquals(0.25, time.get("warmup_seconds").asDouble());
        assertEquals(2, time.get("warmup_batches").asInt());
        assertEquals(1.5, time.get("scoring_seconds").asDouble());
        assertEquals(3, time.get("batches").asInt());
        assertEquals(2.0, time.get("images_per_second").asDouble());
        assertEquals(10.0, time.get("p50_batch_ms").asDouble());
        assertEquals(12.0, time.get("p95_batch_ms").asDouble());
    }

    private static List<String> names(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
