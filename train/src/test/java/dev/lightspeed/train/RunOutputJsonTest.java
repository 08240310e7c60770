package dev.lightspeed.train;

import dev.lightspeed.models.run.RunFiles;
import dev.lightspeed.models.run.EpochMetrics;
import dev.lightspeed.models.run.RunSummary;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lightspeed.models.Presets;
import dev.lightspeed.models.Recipe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.lightspeed.data.Dataset;
import dev.lightspeed.data.Holdout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunOutputJsonTest {

    private static List<String> keys(JsonNode node) {
        List<String> keys = new ArrayList<>();
        node.fieldNames().forEachRemaining(keys::add);
        return keys;
    }

    @Test
    void metricsLinesAndSummaryHaveSnakeCaseKeysInTheirDocumentedOrder(@TempDir Path dir) throws Exception {
        RunOutput output = RunOutput.prepare(dir);
        EpochMetrics first = new EpochMetrics(1, 1.5, 0.4, 1.3, 0.45, 1.25, 0.5, null, null, null, null, null, 10, 12,
                400, 1 << 20, Map.of("forward", 4.0));
        EpochMetrics last = new EpochMetrics(2, 1.0, 0.6, 0.8, 0.68, 0.75, 0.7, 0.69, 0.72, 0.66, 0.71, 0.73, 30, 45,
                200, 2 << 20, Map.of("forward", 6.0));
        output.appendMetrics(first);
        output.appendMetrics(last);

        ObjectMapper json = new ObjectMapper();
        List<String> lines = Files.readAllLines(dir.resolve(RunFiles.METRICS));
        assertEquals(2, lines.size());
        JsonNode row = json.readTree(lines.get(0));
        assertEquals(List.of("epoch", "train_loss", "train_acc", "val_loss", "val_acc", "test_loss", "test_acc",
                "tta_val_acc", "tta_test_acc", "ema_val_acc", "ema_test_acc", "tta_ema_test_acc",
                "epoch_train_seconds", "total_time_seconds", "images_per_second", "peak_rss_bytes",
                "phase_seconds"), keys(row));
        assertTrue(row.get("tta_test_acc").isNull());
        assertTrue(row.get("tta_val_acc").isNull());
        assertEquals(0.45, row.get("val_acc").asDouble());
        assertEquals(1.25, row.get("test_loss").asDouble());
        assertEquals(0.72, json.readTree(lines.get(1)).get("tta_test_acc").asDouble());

        Recipe recipe = Presets.named("airbench94").with("epochs", "2");
        TrainConfig config = new TrainConfig(recipe, 5, ComputeDevice.resolve("cpu", "fp32"), false, 50, false);
        Dataset data = SyntheticData.dataset(SyntheticData.randomSplit(300, 1), SyntheticData.randomSplit(100, 2))
                .holdOut(new Holdout(30, 7));
        RunSummary summary = new Trainer.Result(data, List.of(first, last), 0.72, 40, output).summary(config, 50);
        output.writeSummary(summary);
        JsonNode s = json.readTree(dir.resolve(RunFiles.SUMMARY).toFile());
        assertEquals(List.of("preset", "recipe", "seed", "dataset", "holdout", "holdout_seed", "device", "precision",
                "threads", "epochs", "tta_level", "val_acc", "tta_val_acc", "test_acc", "tta_test_acc", "ema_test_acc",
                "tta_ema_test_acc", "train_seconds", "wall_seconds", "images_per_second", "peak_rss_bytes",
                "phase_seconds", "checkpoint"), keys(s));
        assertEquals(0.72, s.get("tta_test_acc").asDouble());
        assertEquals(0.7, s.get("test_acc").asDouble());
        assertEquals(0.68, s.get("val_acc").asDouble());
        assertEquals(0.69, s.get("tta_val_acc").asDouble());
        assertEquals(30, s.get("holdout").asInt());
        assertEquals(0.73, s.get("tta_ema_test_acc").asDouble());
        assertEquals(7, s.get("holdout_seed").asInt());
        assertEquals("fp32", s.get("precision").asText());
        // 400 img/s for 10 s and 200 img/s for 30 s: 10,000 images in 40 s of training.
        assertEquals(250.0, s.get("images_per_second").asDouble(), 1e-9);
        assertEquals(2 << 20, s.get("peak_rss_bytes").asLong());
        assertEquals(10.0, s.get("phase_seconds").get("forward").asDouble());
        assertEquals(recipe.batchSize(), s.get("recipe").get("batch-size").asInt());
    }
}
