package dev.lightspeed.infer;

import dev.lightspeed.data.ClassifiedSplit;
import dev.lightspeed.data.ImageSplit;
import dev.lightspeed.models.ImageGeometry;
import dev.lightspeed.models.InputError;
import dev.lightspeed.models.OnnxContract;
import dev.lightspeed.models.report.ClassAccuracy;
import dev.lightspeed.models.report.EvalReport;
import dev.lightspeed.models.report.Timings;
import dev.lightspeed.models.report.TtaMode;
import org.junit.jupiter.api.BeforeAll;
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

/** Scoring a labelled split with linear models whose every prediction is computed here independently. */
class EvaluatorTest {

    private static final int IMAGES = 20;
    private static final ImageGeometry RGB32 = new ImageGeometry(3, 32);
    private static final List<String> CLASSES = List.of("c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "c9");

    @TempDir
    static Path folder;

    private static TestModels.Linear model;
    private static byte[] images;
    private static float[] pixels;

    @BeforeAll
    static void modelAndImages() {
        model = TestModels.linear(folder, "linear.onnx", RGB32, 10, Map.of());
        images = new byte[IMAGES * RGB32.values()];
        new Random(3).nextBytes(images);
        pixels = new float[images.length];
        for (int i = 0; i < images.length; i++) {
            pixels[i] = Byte.toUnsignedInt(images[i]) / 255f;
        }
    }

    @Test
    void accuracyPerClassCountsAndTimingsFollowTheLabels() {
        // The first 13 labels are what the model predicts, the rest are wrong on purpose.
        int[] labels = new int[IMAGES];
        int[] expectedCorrect = new int[10];
        int[] expectedTotal = new int[10];
        for (int i = 0; i < IMAGES; i++) {
            int predicted = model.predicted(pixels, i);
            labels[i] = (i < 13 ? predicted : (predicted + 1 + i % 9) % 10);
            expectedTotal[labels[i]]++;
            expectedCorrect[labels[i]] += i < 13 ? 1 : 0;
        }

        EvalReport report = evaluate(model.file(), new ImageSplit(images, labels, RGB32.channels(), RGB32.size()), CLASSES,
                new EvalSettings(6, 1, false));

        assertEquals(IMAGES, report.images());
        assertEquals(13, report.correct());
        assertEquals(13.0 / IMAGES, report.accuracy(), 1e-12);
        int totals = 0;
        for (int c = 0; c < 10; c++) {
            ClassAccuracy perClass = report.perClass().get(c);
            assertEquals(CLASSES.get(c), perClass.name(), "the data's class names");
            assertEquals(expectedCorrect[c], perClass.correct(), "class " + c);
            assertEquals(expectedTotal[c], perClass.total(), "class " + c);
            totals += perClass.total();
        }
        assertEquals(IMAGES, totals);
        assertEquals(TtaMode.NONE, report.tta());
        assertEquals(6, report.batchSize());
        assertEquals("unknown", report.precision(), "a model without metadata does not say");
        Timings timings = report.timings();
        assertEquals((IMAGES + 5) / 6, timings.batches(), "ceil(20 images / 6 per batch)");
        assertEquals(1, timings.warmupBatches());
        assertEquals(IMAGES / timings.scoringSeconds(), timings.imagesPerSecond(), 1e-9);
        assertTrue(timings.p50BatchMillis() <= timings.p95BatchMillis());
        assertTrue(timings.p95BatchMillis() <= 1000 * timings.scoringSeconds(), "a batch is part of the pass");
    }

    @Test
    void batchIsCappedAtTheSplit() {
        EvalReport report = evaluate(model.file(), new ImageSplit(images, new int[IMAGES], RGB32.channels(), RGB32.size()), CLASSES,
                new EvalSettings(1000, 0, false));

        assertEquals(IMAGES, report.batchSize());
        assertEquals(1, report.timings().batches());
        assertEquals(0, report.timings().warmupBatches());
    }

    @Test
    void ttaViewsAreEachScoredAndCombined() {
        int count = 4;
        float[][] views = TtaViews.views(pixels, count, RGB32.channels(), RGB32.size());
        float[][] viewLogits = new float[views.length][];
        for (int v = 0; v < views.length; v++) {
            viewLogits[v] = new float[count * 10];
            for (int n = 0; n < count; n++) {
                double[] logits = model.logits(views[v], n);
                for (int k = 0; k < 10; k++) {
                    viewLogits[v][n * 10 + k] = (float) logits[k];
                }
            }
        }
        float[] expected = TtaViews.combine(viewLogits, count, 10);

        float[] actual;
        try (ScoringSession session = ScoringSession.open(model.file(), SessionSettings.cpu())) {
            actual = Evaluator.score(session, TtaMode.VIEWS, pixels, count);
        }

        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-4, "logit " + i);
        }
    }

    @Test
    void modelWhoseGraphComputesTtaIsScoredAsIsAndRefusesFedViews() {
        TestModels.Linear tta = TestModels.linear(folder, "tta.onnx", RGB32, 10,
                Map.of(OnnxContract.KEY_TTA_LEVEL, "2"));
        ImageSplit split = new ImageSplit(images, new int[IMAGES], RGB32.channels(), RGB32.size());

        assertEquals(TtaMode.IN_GRAPH, evaluate(tta.file(), split, CLASSES, new EvalSettings(8, 0, false)).tta());
        InputError error = assertThrows(InputError.class,
                () -> evaluate(tta.file(), split, CLASSES, new EvalSettings(8, 0, true)));
        assertEquals("tta", error.parameter().orElseThrow(), "the setting at fault");
        assertTrue(error.getMessage().contains("already computes test-time augmentation"), error.getMessage());
    }

    @Test
    void modelWithOtherClassCountIsRefused() {
        TestModels.Linear hundred = TestModels.linear(folder, "hundred.onnx", RGB32, 100, Map.of());

        assertRefused(hundred.file(), CLASSES, RGB32, "outputs 100 classes but the data has 10");
    }

    @Test
    void modelNamingOtherClassesIsRefused() {
        List<String> other = new ArrayList<>(CLASSES);
        other.set(3, "cat");
        TestModels.Linear named = TestModels.linear(folder, "named.onnx", RGB32, 10,
                Map.of(OnnxContract.KEY_CLASSES, OnnxContract.encodeClasses(other)));

        assertRefused(named.file(), CLASSES, RGB32, "names its classes");
    }

    @Test
    void modelTakingOtherImagesIsRefused() {
        TestModels.Linear small = TestModels.linear(folder, "small.onnx", new ImageGeometry(3, 16), 10, Map.of());

        assertRefused(small.file(), CLASSES, RGB32, "takes 3×16×16 images but the data's are 3×32×32");
    }

    @Test
    void emptySplitIsInputErrorInTheApisTerms() {
        ClassifiedSplit empty = new ClassifiedSplit("empty-set", CLASSES, new ImageSplit(new byte[0], new int[0],
                RGB32.channels(), RGB32.size()));

        try (OnnxClassifier classifier = OnnxClassifier.open(model.file())) {
            InputError error = assertThrows(InputError.class,
                    () -> classifier.evaluate(empty, EvalSettings.defaults()));
            assertEquals("the empty-set split given to evaluate holds no images; pass a split with at least one image",
                    error.getMessage());
        }
    }

    private static void assertRefused(Path file, List<String> classes, ImageGeometry geometry, String expected) {
        ImageSplit split = new ImageSplit(images, new int[IMAGES], geometry.channels(), geometry.size());
        try (OnnxClassifier classifier = OnnxClassifier.open(file)) {
            InputError error = assertThrows(InputError.class,
                    () -> classifier.evaluate(new ClassifiedSplit("test", classes, split), EvalSettings.defaults()));
            assertTrue(error.getMessage().contains(expected), error.getMessage());
            assertFalse(error.getMessage().contains("\n"), error.getMessage());
        }
    }

    private static EvalReport evaluate(Path file, ImageSplit split, List<String> classes, EvalSettings settings) {
        try (OnnxClassifier classifier = OnnxClassifier.open(file)) {
            return classifier.evaluate(new ClassifiedSplit("test", classes, split), settings);
        }
    }
}
