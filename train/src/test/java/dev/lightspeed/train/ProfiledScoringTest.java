package dev.lightspeed.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lightspeed.data.ImageSplit;
import dev.lightspeed.models.report.EvalReport;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProfiledScoringTest {

    @Test
    void scoringACheckpointWithATraceRecordsItsBatchesAndTheirOperators(@TempDir Path dir) throws Exception {
        Threads.configure(0);
        ComputeDevice fp32 = ComputeDevice.resolve("cpu", "fp32");
        TorchScorer.Loaded loaded = TorchScorer.Loaded.read(CheckpointV1Fixture.CHECKPOINT);
        ImageSplit test = SyntheticData.randomSplit(30, 9);
        Path file = dir.resolve("scoring.json");
        EvalReport traced = TorchScorer.evaluate(loaded, test, fp32, 16, 1, false, file);
        EvalReport plain = TorchScorer.evaluate(loaded, test, fp32, 16, 1, false, null);
        assertEquals(plain.correct(), traced.correct(), "a trace does not change the scores");
        assertFalse(torch.profilerEnabled());

        List<JsonNode> batches = new ArrayList<>();
        List<JsonNode> operators = new ArrayList<>();
        for (JsonNode event : new ObjectMapper().readTree(file.toFile()).get("traceEvents")) {
            switch (event.path("cat").asText()) {
                case "batch" -> batches.add(event);
                case "cpu_op" -> operators.add(event);
                default -> { }
            }
        }
        assertEquals(List.of("warm-up batch 1", "batch 1", "batch 2"),
                batches.stream().map(b -> b.get("name").asText()).toList());
        assertEquals(14, batches.get(2).get("args").get("images").asInt());
        assertTrue(operators.stream().anyMatch(o -> o.get("name").asText().equals("aten::conv2d")));
        for (JsonNode operator : operators) {
            double start = operator.get("ts").asDouble();
            double end = start + operator.get("dur").asDouble();
            // Loading the network and uploading the images come before the profiler starts.
            assertTrue(batches.stream().anyMatch(b -> b.get("tid").asLong() == operator.get("tid").asLong()
                    && start >= b.get("ts").asDouble() - 0.01
                    && end <= b.get("ts").asDouble() + b.get("dur").asDouble() + 0.01), operator.toString());
        }
    }
}
