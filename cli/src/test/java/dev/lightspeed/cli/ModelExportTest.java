package dev.lightspeed.cli;

import dev.lightspeed.data.ImageSplit;
import dev.lightspeed.export.ExportOptions;
import dev.lightspeed.export.ExportResult;
import dev.lightspeed.export.Precision;
import dev.lightspeed.models.Checkpoint;
import dev.lightspeed.models.ImageGeometry;
import dev.lightspeed.models.InputError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.OptionalInt;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelExportTest {

    private static final ImageGeometry CIFAR = new ImageGeometry(3, 32);

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
    void spreadIndicesCoverTheSplitEvenly() {
        assertEquals(0, ModelExport.spreadIndex(0, 512, 50_000));
        assertEquals(25_000, ModelExport.spreadIndex(256, 512, 50_000));
        assertEquals(49_902, ModelExport.spreadIndex(511, 512, 50_000));
    }

    @Test
    void calibrationBatchesHoldEveryKthImageAsPixelsInTheUnitRange() {
        ImageSplit split = randomSplit(300, 1);
        List<float[]> batches = new ArrayList<>();
        Iterator<float[]> spread = ModelExport.spreadBatches(split, 150, CIFAR);
        spread.forEachRemaining(batches::add);

        assertEquals(List.of(128 * 3072, 22 * 3072), batches.stream().map(b -> b.length).toList());
        for (int picked = 0; picked < 150; picked++) {
            float[] batch = batches.get(picked / 128);
            int offset = (picked % 128) * 3072;
            int image = 2 * picked;
            assertEquals(split.pixel(image, 0, 0, 0) / 255f, batch[offset], "first pixel of image " + image);
            assertEquals(split.pixel(image, 2, 31, 31) / 255f, batch[offset + 3071], "last pixel of image " + image);
        }
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
    void imagesOfAnotherGeometryAreRefused() {
        ImageSplit split = randomSplit(4, 2);

        InputError error = assertThrows(InputError.class,
                () -> ModelExport.spreadBatches(split, 4, new ImageGeometry(1, 28)));

        assertTrue(error.getMessage().contains("takes 1×28×28 images"), error.getMessage());
        assertFalse(error.getMessage().contains("\n"));
    }

    private static ImageSplit randomSplit(int count, long seed) {
        byte[] images = new byte[count * 3072];
        new Random(seed).nextBytes(images);
        return new ImageSplit(images, new int[count], 3, 32);
    }
}
