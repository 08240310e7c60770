package dev.lightspeed.infer;

import dev.lightspeed.models.ImageGeometry;
import dev.lightspeed.models.InputError;
import dev.lightspeed.models.OnnxContract;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

class ScoringSessionTest {

    @TempDir
    Path folder;

    @Test
    void readsTheContractOfALightspeedModel() {
        List<String> names = List.of("ant", "bee", "cow", "dog", "eel");
        TestModels.Linear model = TestModels.linear(folder, "gray12.onnx", new Long[] {null, 1L, 12L, 12L}, 5,
                OnnxContract.INPUT, OnnxContract.OUTPUT, Map.of(
                        OnnxContract.KEY_FORMAT, OnnxContract.FORMAT,
                        OnnxContract.KEY_CLASSES, OnnxContract.encodeClasses(names),
                        OnnxContract.KEY_TTA_LEVEL, "2",
                        OnnxContract.KEY_PRECISION, "int8"));

        try (ScoringSession session = ScoringSession.open(model.file(), SessionSettings.cpu())) {
            ModelInfo info = session.info();
            assertEquals(OnnxContract.INPUT, info.inputName());
            assertEquals(OnnxContract.OUTPUT, info.outputName());
            assertEquals(new ImageGeometry(1, 12), info.geometry(), "geometry comes from the input's shape");
            assertEquals(names, info.classes());
            assertTrue(info.namesClasses());
            assertEquals(2, info.ttaLevel());
            assertEquals("int8", info.precision());
        }
    }

    @Test
    void lightspeedModelWithoutPrecisionIsFloat32AndForeignOneUnknown() {
        TestModels.Linear old = TestModels.linear(folder, "old.onnx", new ImageGeometry(3, 4), 2,
                Map.of(OnnxContract.KEY_FORMAT, OnnxContract.FORMAT));
        TestModels.Linear foreign = TestModels.linear(folder, "foreign.onnx", new ImageGeometry(3, 4), 2, Map.of());

        try (ScoringSession oldSession = ScoringSession.open(old.file(), SessionSettings.cpu());
             ScoringSession foreignSession = ScoringSession.open(foreign.file(), SessionSettings.cpu())) {
            assertEquals("fp32", oldSession.info().precision());
            assertEquals("unknown", foreignSession.info().precision());
        }
    }

    @Test
    void logitsEqualAnIndependentComputation() {
        ImageGeometry geometry = new ImageGeometry(3, 8);
        TestModels.Linear model = TestModels.linear(folder, "rgb8.onnx", geometry, 4, Map.of());
        int count = 5;
        float[] pixels = randomPixels(count * geometry.values(), 1);

        float[] logits;
        try (ScoringSession session = ScoringSession.open(model.file(), new SessionSettings(ExecutionProvider.CPU,
                1))) {
            logits = session.logits(pixels, count);
            // A second, smaller call reuses the input buffer of the first.
            float[] first = session.logits(pixels, 1);
            for (int k = 0; k < 4; k++) {
                assertEquals(logits[k], first[k], 1e-6);
            }
        }

        assertEquals(count * 4, logits.length);
        for (int n = 0; n < count; n++) {
            double[] expected = model.logits(pixels, n);
            for (int k = 0; k < 4; k++) {
                assertEquals(expected[k], logits[n * 4 + k], 1e-5, "image " + n + " class " + k);
            }
        }
    }

    @Test
    void foreignModelWithoutNamesGetsNumberedClasses() {
        TestModels.Linear model = TestModels.linear(folder, "foreign.onnx", new ImageGeometry(3, 6), 7, Map.of());

        try (ScoringSession session = ScoringSession.open(model.file(), SessionSettings.cpu())) {
            assertEquals("pixels", session.info().inputName());
            assertEquals("scores", session.info().outputName());
            assertEquals(List.of("class 0", "class 1", "class 2", "class 3", "class 4", "class 5", "class 6"),
                    session.info().classes());
            assertFalse(session.info().namesClasses());
            assertEquals(0, session.info().ttaLevel());
        }
    }

    @Test
    void namesThatDoNotMatchTheOutputsAreInputError() {
        TestModels.Linear model = TestModels.linear(folder, "three.onnx", new ImageGeometry(3, 4), 4,
                Map.of(OnnxContract.KEY_CLASSES, OnnxContract.encodeClasses(List.of("a", "b", "c"))));

        assertOneLineInputError(model.file(), "outputs 4 logits but names 3 classes");
    }

    @Test
    void nonSquareImagesAreInputError() {
        TestModels.Linear model = TestModels.linear(folder, "wide.onnx", new Long[] {null, 3L, 8L, 16L}, 2, "x", "y",
                Map.of());

        assertOneLineInputError(model.file(), "its images are 8×16; lightspeed needs square ones");
    }

    @Test
    void openImageDimensionsAreInputError() {
        TestModels.Linear model = TestModels.linear(folder, "open.onnx", new Long[] {null, null, 8L, 8L}, 2, "x",
                "y", Map.of());

        assertOneLineInputError(model.file(), "leaves channels, height or width open");
    }

    @Test
    void fixedBatchSizeIsInputError() {
        TestModels.Linear model = TestModels.linear(folder, "fixed.onnx", new Long[] {1L, 3L, 8L, 8L}, 2, "x", "y",
                Map.of());

        assertOneLineInputError(model.file(), "free batch dimension");
    }

    @Test
    void missingModelFileIsInputError() {
        assertOneLineInputError(folder.resolve("absent.onnx"), "does not exist");
    }

    @Test
    void folderAsModelIsInputError() {
        assertOneLineInputError(folder, "is a folder");
    }

    @Test
    void fileThatIsNotOnnxIsOneLineInputError() throws Exception {
        Path text = Files.writeString(folder.resolve("notes.onnx"), "these are not the weights you are looking for\n");

        assertOneLineInputError(text, "is not a usable ONNX model");
    }

    @Test
    void unknownProviderIsInputError() {
        InputError error = assertThrows(InputError.class, () -> ExecutionProvider.parse("tpu"));

        assertEquals("unknown provider 'tpu'; choose one of cpu, cuda, tensorrt", error.getMessage());
    }

    @Test
    void unavailableGpuProviderListsTheAvailableOnes() {
        assumeFalse(ExecutionProvider.available().contains(ExecutionProvider.CUDA),
                "this build has CUDA; the error path is for CPU-only builds");
        Path model = TestModels.linear(folder, "m.onnx", new ImageGeometry(3, 4), 2, Map.of()).file();

        for (ExecutionProvider gpu : new ExecutionProvider[] {ExecutionProvider.CUDA, ExecutionProvider.TENSORRT}) {
            InputError error = assertThrows(InputError.class,
                    () -> ScoringSession.open(model, new SessionSettings(gpu, 0)));

            assertTrue(error.getMessage().startsWith("provider " + gpu.optionName() + " is not available"),
                    error.getMessage());
            assertEquals("provider", error.parameter().orElseThrow(), "the setting at fault");
            assertTrue(error.getMessage().contains("available: cpu"), error.getMessage());
        }
    }

    static float[] randomPixels(int values, long seed) {
        Random random = new Random(seed);
        float[] pixels = new float[values];
        for (int i = 0; i < values; i++) {
            pixels[i] = random.nextFloat();
        }
        return pixels;
    }

    private static void assertOneLineInputError(Path model, String expected) {
        InputError error = assertThrows(InputError.class, () -> ScoringSession.open(model, SessionSettings.cpu()));

        assertTrue(error.getMessage().contains(expected), error.getMessage());
        assertFalse(error.getMessage().contains("\n"), error.getMessage());
    }
}
