package dev.lightspeed.models.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lightspeed.models.InputError;
import dev.lightspeed.models.Presets;
import dev.lightspeed.models.Recipe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunFolderTest {

    private static final EpochMetrics FIRST = new EpochMetrics(1, new TrainingScores(1.5, 0.4),
            SplitScores.plain(1.3, 0.45), SplitScores.plain(1.25, 0.5),
            new EpochTimes(10, 12, 400, 1 << 20, Map.of("forward", 4.0)));
    private static final EpochMetrics LAST = new EpochMetrics(2, new TrainingScores(1.0, 0.6),
            new SplitScores(0.8, 0.68, 0.69, 0.66, null), new SplitScores(0.75, 0.7, 0.72, 0.71, 0.73),
            new EpochTimes(30, 45, 200, 2 << 20, Map.of("forward", 6.0)));

    private static List<String> keys(JsonNode node) {
        List<String> keys = new ArrayList<>();
        node.fieldNames().forEachRemaining(keys::add);
        return keys;
    }

    private static RunSummary summary(Recipe recipe, RunStatus status, Integer step, Double ttaTest, String model) {
        RunTotals totals = RunTotals.of(List.of(FIRST, LAST));
        return new RunSummary(recipe.preset(), recipe, 5, "cifar10", 30, 7, "cpu", "fp32", 2, 1, recipe.epochs(),
                recipe.ttaLevel(), status, step, 0.68, 0.69, 0.7, ttaTest, 0.71, 0.73, totals.trainSeconds(), 50,
                totals.imagesPerSecond(), totals.peakRssBytes(), totals.phaseSeconds(), model);
    }

    @Test
    void metricsLinesAndSummaryKeepTheirSnakeCaseKeysInTheirDocumentedOrderAndReadBack(@TempDir Path dir)
            throws Exception {
        RunFolder folder = RunFolder.create(dir.resolve("run"));
        folder.appendMetrics(FIRST);
        folder.appendMetrics(LAST);

        ObjectMapper json = new ObjectMapper();
        List<String> lines = Files.readAllLines(dir.resolve("run/metrics.jsonl"));
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
        JsonNode last = json.readTree(lines.get(1));
        assertEquals(0.72, last.get("tta_test_acc").asDouble());
        assertEquals(0.66, last.get("ema_val_acc").asDouble());
        assertEquals(List.of(FIRST, LAST), RunFolder.open(dir.resolve("run")).readMetrics());

        Recipe recipe = Presets.named("airbench94").with("epochs", "2");
        RunSummary written = summary(recipe, RunStatus.FINISHED, null, 0.72, folder.model().toString());
        folder.writeSummary(written);
        JsonNode s = json.readTree(dir.resolve("run/summary.json").toFile());
        assertEquals(List.of("preset", "recipe", "seed", "dataset", "holdout", "holdout_seed", "device", "precision",
                "threads", "world_size", "epochs", "tta_level", "status", "diverged_at_step", "val_acc", "tta_val_acc",
                "test_acc", "tta_test_acc", "ema_test_acc", "tta_ema_test_acc", "train_seconds", "wall_seconds",
                "images_per_second", "peak_rss_bytes", "phase_seconds", "checkpoint"), keys(s));
        assertEquals("finished", s.get("status").asText());
        assertTrue(s.get("diverged_at_step").isNull());
        // 400 img/s for 10 s and 200 img/s for 30 s: 10,000 images in 40 s of training.
        assertEquals(250.0, s.get("images_per_second").asDouble(), 1e-9);
        assertEquals(2 << 20, s.get("peak_rss_bytes").asLong());
        assertEquals(10.0, s.get("phase_seconds").get("forward").asDouble());
        assertEquals(recipe.batchSize(), s.get("recipe").get("batch-size").asInt());
        assertEquals(written, RunFolder.open(dir.resolve("run")).readSummary().orElseThrow());
        assertTrue(folder.hasSummary());
    }

    @Test
    void aDivergedSummaryNamesItsStepAndASummaryWithoutAStatusReadsAsFinished(@TempDir Path dir) throws Exception {
        Recipe recipe = Presets.named("airbench94");
        RunFolder folder = RunFolder.create(dir);
        folder.writeSummary(summary(recipe, RunStatus.DIVERGED, 17, null, "model.safetensors"));
        RunSummary read = folder.readSummary().orElseThrow();
        assertTrue(read.diverged());
        assertEquals(17, read.divergedAtStep());
        assertNull(read.ttaTestAcc());
        assertThrows(IllegalArgumentException.class,
                () -> summary(recipe, RunStatus.DIVERGED, null, null, "m"), "a diverged run names its step");

        // A summary written before runs had a status, with a field a later version added.
        String older = Files.readString(dir.resolve("summary.json"))
                .replace("\"world_size\" : 1,", "")
                .replace("\"status\" : \"diverged\",", "").replace("\"diverged_at_step\" : 17,", "\"newer\" : 1,");
        Files.writeString(dir.resolve("summary.json"), older.replace("\"tta_test_acc\" : null", "\"tta_test_acc\" : 0.9"));
        RunSummary old = RunFolder.open(dir).readSummary().orElseThrow();
        assertEquals(RunStatus.FINISHED, old.status());
        // Written before data-parallel runs: one process.
        assertEquals(1, old.worldSize());
        assertEquals(0.9, old.ttaTestAcc());
    }

    @Test
    void aMetricsRowOfAnOlderVersionReadsWithWhatItHas(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("metrics.jsonl"), "{\"epoch\": 1, \"train_loss\": 2.0, \"train_acc\": 0.3,"
                + " \"test_loss\": 1.5, \"test_acc\": 0.5, \"tta_test_acc\": null}\n", StandardCharsets.UTF_8);
        EpochMetrics row = RunFolder.open(dir).readMetrics().get(0);
        assertNull(row.validation(), "no held-out columns: the run held nothing out");
        assertEquals(0.5, row.test().accuracy());
        assertNull(row.test().emaAccuracy());
        assertTrue(Double.isNaN(row.times().trainSeconds()), "not measured, rather than 0");

        Files.writeString(dir.resolve("metrics.jsonl"), "{\"epoch\": 1}\nnot json\n");
        InputError error = assertThrows(InputError.class, () -> RunFolder.open(dir).readMetrics());
        assertTrue(error.getMessage().contains("line 2 is not a metrics row"), error.getMessage());
    }

    @Test
    void aResumedRunKeepsTheRowsOfItsSavedEpochsAndClearStartsItAfresh(@TempDir Path dir) throws Exception {
        RunFolder first = RunFolder.create(dir);
        first.appendMetrics(FIRST);
        first.appendMetrics(LAST);
        RunFolder continued = RunFolder.open(dir);
        continued.keepEpochsUpTo(1);
        continued.appendMetrics(LAST);
        assertEquals(2, Files.readAllLines(dir.resolve("metrics.jsonl")).size());
        assertTrue(continued.resumeState().isEmpty());

        Files.writeString(dir.resolve("notes.txt"), "mine");
        continued.clear();
        assertFalse(RunFolder.holdsRun(dir));
        assertTrue(Files.exists(dir.resolve("notes.txt")), "files that are not the run's stay");
    }

    @Test
    void aFolderThatNeverGotAFileIsDiscardedWithTheParentsItMadeAndAnUnwritableOneIsRefused(@TempDir Path dir)
            throws Exception {
        RunFolder made = RunFolder.create(dir.resolve("a/b/run"));
        made.discardIfEmpty();
        assertFalse(Files.exists(dir.resolve("a")));

        Files.createDirectories(dir.resolve("kept"));
        RunFolder existing = RunFolder.create(dir.resolve("kept"));
        existing.discardIfEmpty();
        assertTrue(Files.isDirectory(dir.resolve("kept")), "a folder it did not make stays");

        Files.writeString(dir.resolve("file"), "x");
        InputError error = assertThrows(InputError.class, () -> RunFolder.create(dir.resolve("file/run")));
        assertTrue(error.getMessage().startsWith("cannot write to run folder "), error.getMessage());
        assertThrows(InputError.class, () -> RunFolder.open(dir.resolve("missing")));
    }
}
