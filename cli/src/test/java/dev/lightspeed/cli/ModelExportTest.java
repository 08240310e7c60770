package dev.lightspeed.cli;

import dev.lightspeed.data.ImageSplit;
import dev.lightspeed.export.ExportOptions;
import dev.lightspeed.export.ExportResult;
import dev.lightspeed.export.Precision;
import dev.lightspeed.models.Checkpoint;
import dev.lightspeed.models.InputError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelExportTest {


    @TempDir
    Path folder;

    @Test
    void calibrationImagesDefaultToAtMostTheSplitAndRefuseMoreThanItHoldsWhenAsked() {
        assertEquals(ModelExport.DEFAULT_CALIBRATION_IMAGES, ModelExport.calibrationImages(OptionalInt.empty(),
                50_000));
        assertEquals(6, ModelExport.calibrationImages(OptionalInt.empty(), 6));
        assertEquals(6, ModelExport.calibrationImages(OptionalInt.of(6), 6));
        InputError error = assertThrows(InputError.class,
                () -> ModelExport.calibrationImages(OptionalInt.of(7), 6));
        assertEquals("--calibration-images 7 is more than the 6 training images; choose at most 6",
                error.getMessage());
    }

    @Test
    void int8ExportCalibratesOnTheTrainingSplitItIsGiven() throws Exception {
        Checkpoint checkpoint = Checkpoint.load(OnnxCommandFixtures.checkpoint(folder, "model.safetensors"));
        Path model = folder.resolve("m.onnx");

        ExportResult result = ModelExport.write(checkpoint, model, ExportOptions.defaults()
                .withPrecision(Precision.INT8).withTta(true), () -> randomSplit(6, 4), OptionalInt.empty());

        assertEquals(Precision.INT8, result.precision());
        assertEquals(2, result.ttaLevel());
        assertEquals(6, result.calibrationImages(), "the default takes the whole of a small split");
        assertTrue(Files.isRegularFile(model));
    }

    @Test
    void floatExportReadsNoTrainingImages() throws Exception {
        Checkpoint checkpoint = Checkpoint.load(OnnxCommandFixtures.checkpoint(folder, "model.safetensors"));

        ExportResult result = ModelExport.write(checkpoint, folder.resolve("m.onnx"), ExportOptions.defaults(),
                () -> {
                    throw new AssertionError("an fp32 export must not read the data");
                }, OptionalInt.empty());

        assertEquals(0, result.calibrationImages());
    }

    @Test
    void imagesOfAnotherGeometryAreRefused() throws Exception {
        Checkpoint checkpoint = Checkpoint.load(OnnxCommandFixtures.checkpoint(folder, "model.safetensors"));
        byte[] gray = new byte[4 * 28 * 28];
        InputError error = assertThrows(InputError.class, () -> ModelExport.write(checkpoint,
                folder.resolve("m.onnx"), ExportOptions.defaults().withPrecision(Precision.INT8),
                () -> new ImageSplit(gray, new int[4], 1, 28), OptionalInt.empty()));

        assertTrue(error.getMessage().contains("takes 3×32×32 images"), error.getMessage());
        assertFalse(error.getMessage().contains("\n"));
    }

    private static ImageSplit randomSplit(int count, long seed) {
        byte[] images = new byte[count * 3072];
        new Random(seed).nextBytes(images);
        return new ImageSplit(images, new int[count], 3, 32);
    }
}
