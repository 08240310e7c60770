package dev.lightspeed.infer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lightspeed.data.ImageSplit;
import dev.lightspeed.data.Pixels;
import dev.lightspeed.export.ReferenceNetwork;
import dev.lightspeed.models.InputError;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EvaluatorTest {

    private static final int IMAGES = 20;

    @TempDir
    static Path folder;

    private static Path plainModel;
    private static Path ttaModel;
    private static byte[] images;
    private static float[] pixels;

    @BeforeAll
    static void models() {
        plainModel = TestModels.exported(folder, false);
        ttaModel = TestModels.exported(folder, true);
        images = new byte[IMAGES * TestModels.imageBytes()];
        new Random(3).nextBytes(images);
        pixels = new float[images.length];
        Pixels.toUnitRange(images, TestModels.imageBytes(), 0, IMAGES, pixels);
    }

    @Test
    void accuracyAndPerClassCountsFollowTheLabels() {
        float[][] reference = new ReferenceNetwork(TestModels.CHECKPOINT).logits(pixels, IMAGES);
        // The first 13 labels are what the network predicts, the rest are wrong on purpose.
        int[] labels = new int[IMAGES];
        int[] expectedCorrect = new int[10];
        int[] expectedTotal = new int[10];
        for (int i = 0; i < IMAGES; i++) {
            int predicted = Evaluator.argmax(reference[i], 0, 10);
            labels[i] = (i < 13 ? predicted : (predicted + 1 + i % 9) % 10);
            expectedTotal[labels[i]]++;
            expectedCorrect[labels[i]] += i < 13 ? 1 : 0;
        }
        ImageSplit split = TestModels.split(images, labels);

        EvalReport report;
        try (ScoringSession session = ScoringSession.open(plainModel, SessionSettings.cpu())) {
            report = Evaluator.evaluate(session, split, new EvalSettings(6, 1, false));
        }

        assertEquals(IMAGES, report.images());
        assertEquals(13, report.correct());
        assertEquals(0.65, report.accuracy(), 1e-12);
        for (int c = 0; c < 10; c++) {
            assertEquals(expectedCorrect[c], report.perClass().get(c).correct(), "class " + c);
            assertEquals(expectedTotal[c], report.perClass().get(c).total(), "class " + c);
        }
        assertEquals(TestModels.CHECKPOINT.classes().get(0), report.perClass().get(0).name());
        assertEquals(TtaMode.NONE, report.tta());
        assertEquals(6, report.batchSize());
        Timings timings = report.timings();
        assertEquals(4, timings.batches(), "20 images in batches of 6");
        assertEquals(1, timings.warmupBatches());
        assertTrue(timings.sessionSeconds() > 0 && timings.warmupSeconds() > 0 && timings.scoringSeconds() > 0);
        assertTrue(timings.p50BatchMillis() > 0 && timings.p50BatchMillis() <= timings.p95BatchMillis());
        assertEquals(IMAGES / timings.scoringSeconds(), timings.imagesPerSecond(), 1e-9);
    }

    @Test
    void ttaViewsOnPlainModelScoreWhatTheTtaGraphScores() {
        int count = 8;
        int[] labels = new int[count];
        float[][] reference = new ReferenceNetwork(TestModels.CHECKPOINT).ttaLogits(pixels, count, 2);
        for (int i = 0; i < count; i++) {
            labels[i] = Evaluator.argmax(reference[i], 0, 10);
        }
        ImageSplit split = TestModels.split(Arrays.copyOf(images, count * TestModels.imageBytes()), labels);

        EvalReport views;
        EvalReport graph;
        try (ScoringSession plain = ScoringSession.open(plainModel, SessionSettings.cpu());
             ScoringSession tta = ScoringSession.open(ttaModel, SessionSettings.cpu())) {
            views = Evaluator.evaluate(plain, split, new EvalSettings(3, 0, true));
            graph = Evaluator.evaluate(tta, split, new EvalSettings(3, 0, false));
        }

        assertEquals(TtaMode.VIEWS, views.tta());
        assertEquals(TtaMode.IN_GRAPH, graph.tta());
        assertEquals(count, views.correct(), "views fed here must reproduce the reference TTA predictions");
        assertEquals(count, graph.correct(), "the TTA graph must reproduce the reference TTA predictions");
    }

    @Test
    void ttaViewsLogitsMatchTheTtaGraphLogits() {
        int count = 4;
        try (ScoringSession plain = ScoringSession.open(plainModel, SessionSettings.cpu());
             ScoringSession tta = ScoringSession.open(ttaModel, SessionSettings.cpu())) {
            float[] viaViews = Evaluator.score(plain, TtaMode.VIEWS, pixels, count);
            float[] inGraph = tta.logits(pixels, count);

            for (int i = 0; i < viaViews.length; i++) {
                assertEquals(inGraph[i], viaViews[i], 1e-4, "logit " + i);
            }
        }
    }

    @Test
    void ttaViewsOnATtaGraphAreRefused() {
        ImageSplit split = TestModels.split(images, new int[IMAGES]);
        try (ScoringSession tta = ScoringSession.open(ttaModel, SessionSettings.cpu())) {
            InputError error = assertThrows(InputError.class,
                    () -> Evaluator.evaluate(tta, split, new EvalSettings(8, 0, true)));

            assertTrue(error.getMessage().contains("already computes test-time augmentation"), error.getMessage());
        }
    }

    @Test
    void modelWithOtherClassCountIsRefused() throws Exception {
        Path cifar100 = TestModels.foreign(folder, "cifar100.onnx", null, 3, 32, 100);
        ImageSplit split = TestModels.split(images, new int[IMAGES]);
        try (ScoringSession session = ScoringSession.open(cifar100, SessionSettings.cpu())) {
            InputError error = assertThrows(InputError.class,
                    () -> Evaluator.evaluate(session, split, EvalSettings.defaults()));

            assertTrue(error.getMessage().contains("outputs 100 classes but CIFAR-10 has 10"), error.getMessage());
        }
    }

    @Test
    void jsonReportCarriesAccuracyClassesAndTimings() throws Exception {
        ImageSplit split = TestModels.split(images, new int[IMAGES]);
        EvalReport report;
        try (ScoringSession session = ScoringSession.open(plainModel, new SessionSettings(ExecutionProvider.CPU, 1))) {
            report = Evaluator.evaluate(session, split, new EvalSettings(1000, 1, false));
        }

        JsonNode json = new ObjectMapper().readTree(report.toJson());

        assertEquals(plainModel.toString(), json.get("model").asText());
        assertEquals("cpu", json.get("provider").asText());
        assertEquals("fp32", json.get("precision").asText(), "read from the exported model's metadata");
        assertEquals(1, json.get("threads").asInt());
        assertEquals(IMAGES, json.get("batch_size").asInt(), "batch size is capped at the split size");
        assertEquals("none", json.get("tta").asText());
        assertEquals(report.accuracy(), json.get("accuracy").asDouble());
        assertEquals(10, json.get("per_class").size());
        assertEquals(IMAGES, json.get("per_class").get(0).get("total").asInt(), "all labels are class 0");
        assertTrue(json.get("per_class").get(1).get("accuracy").isNull(), "no image of class 1 in the split");
        for (String key : new String[] {"session_seconds", "warmup_seconds", "scoring_seconds", "images_per_second",
                "p50_batch_ms", "p95_batch_ms"}) {
            assertTrue(json.get("timings").get(key).asDouble() > 0, key);
        }
    }
}
