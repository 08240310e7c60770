package dev.lightspeed.infer;

import dev.lightspeed.data.Cifar10;
import dev.lightspeed.export.RandomCheckpoints;
import dev.lightspeed.export.ReferenceNetwork;
import dev.lightspeed.models.InputError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

class ScoringSessionTest {

    @TempDir
    Path folder;

    @Test
    void opensExportedModelAndReadsItsMetadata() {
        try (ScoringSession plain = ScoringSession.open(TestModels.exported(folder, false), SessionSettings.cpu());
             ScoringSession tta = ScoringSession.open(TestModels.exported(folder, true), SessionSettings.cpu())) {
            assertEquals("image", plain.info().inputName());
            assertEquals("logits", plain.info().outputName());
            assertEquals(TestModels.CHECKPOINT.classes(), plain.info().classes());
            assertEquals(0, plain.info().ttaLevel());
            assertEquals(2, tta.info().ttaLevel());
            assertTrue(plain.info().producer().startsWith("lightspeed"), plain.info().producer());
            assertTrue(plain.openSeconds() > 0);
        }
    }

    @Test
    void logitsMatchTheReferenceNetwork() {
        int count = 3;
        float[] images = RandomCheckpoints.images(count, 5);
        float[][] expected = new ReferenceNetwork(TestModels.CHECKPOINT).logits(images, count);
        try (ScoringSession session = ScoringSession.open(TestModels.exported(folder, false),
                new SessionSettings(ExecutionProvider.CPU, 1))) {
            float[] actual = session.logits(images, count);

            for (int n = 0; n < count; n++) {
                for (int k = 0; k < 10; k++) {
                    assertEquals(expected[n][k], actual[n * 10 + k], 1e-4);
                }
            }
        }
    }

    @Test
    void foreignModelWithoutMetadataIsTakenAsCifarClassifier() throws Exception {
        Path model = TestModels.foreign(folder, "foreign.onnx", null, 3, 32, 10);
        try (ScoringSession session = ScoringSession.open(model, SessionSettings.cpu())) {
            assertEquals("pixels", session.info().inputName());
            assertEquals("scores", session.info().outputName());
            assertEquals(Cifar10.INFO.classes(), session.info().classes());
            assertEquals(0, session.info().ttaLevel());
            assertEquals(20, session.logits(new float[2 * 3072], 2).length);
        }
    }

    @Test
    void missingModelFileIsInputError() {
        InputError error = assertThrows(InputError.class,
                () -> ScoringSession.open(folder.resolve("absent.onnx"), SessionSettings.cpu()));

        assertTrue(error.getMessage().contains("does not exist"), error.getMessage());
    }

    @Test
    void folderAsModelIsInputError() {
        InputError error = assertThrows(InputError.class, () -> ScoringSession.open(folder, SessionSettings.cpu()));

        assertTrue(error.getMessage().contains("is a folder"), error.getMessage());
    }

    @Test
    void fileThatIsNotOnnxIsOneLineInputError() throws Exception {
        Path text = Files.writeString(folder.resolve("notes.onnx"), "these are not the weights you are looking for\n");

        InputError error = assertThrows(InputError.class, () -> ScoringSession.open(text, SessionSettings.cpu()));

        assertTrue(error.getMessage().contains("is not a usable ONNX model"), error.getMessage());
        assertFalse(error.getMessage().contains("\n"), error.getMessage());
    }

    @Test
    void wrongInputShapeIsInputError() throws Exception {
        Path mnist = TestModels.foreign(folder, "mnist.onnx", null, 1, 28, 10);

        InputError error = assertThrows(InputError.class, () -> ScoringSession.open(mnist, SessionSettings.cpu()));

        assertTrue(error.getMessage().contains("[?, 1, 28, 28]"), error.getMessage());
        assertTrue(error.getMessage().contains("[N, 3, 32, 32]"), error.getMessage());
    }

    @Test
    void fixedBatchSizeIsInputError() throws Exception {
        Path fixed = TestModels.foreign(folder, "fixed.onnx", 1L, 3, 32, 10);

        InputError error = assertThrows(InputError.class, () -> ScoringSession.open(fixed, SessionSettings.cpu()));

        assertTrue(error.getMessage().contains("free batch dimension"), error.getMessage());
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
        Path model = TestModels.exported(folder, false);

        for (ExecutionProvider gpu : new ExecutionProvider[] {ExecutionProvider.CUDA, ExecutionProvider.TENSORRT}) {
            InputError error = assertThrows(InputError.class,
                    () -> ScoringSession.open(model, new SessionSettings(gpu, 0)));

            assertTrue(error.getMessage().startsWith("provider " + gpu.optionName() + " is not available"),
                    error.getMessage());
            assertTrue(error.getMessage().contains("available: cpu"), error.getMessage());
        }
    }
}
