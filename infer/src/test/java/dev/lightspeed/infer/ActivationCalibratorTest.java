package dev.lightspeed.infer;

import dev.lightspeed.data.ImageSplit;
import dev.lightspeed.export.ActivationRange;
import dev.lightspeed.export.Calibration;
import dev.lightspeed.export.CalibrationModel;
import dev.lightspeed.export.OnnxExporter;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ActivationCalibratorTest {

    private static final CalibrationModel MODEL = OnnxExporter.calibrationModel(TestModels.CHECKPOINT);

    @Test
    void rangesCoverEveryActivationAndGrowWithTheImages() {
        ImageSplit split = randomSplit(300, 1);
        Calibration few = ActivationCalibrator.measure(MODEL, split, 3, SessionSettings.cpu());
        // 300 images cross the 128-image batches, so ranges must be merged across batches
        Calibration all = ActivationCalibrator.measure(MODEL, split, 300, SessionSettings.cpu());
        assertEquals(300, all.images());
        assertEquals(MODEL.activations().size(), all.ranges().size());
        for (String activation : MODEL.activations()) {
            ActivationRange small = few.ranges().get(activation);
            ActivationRange large = all.ranges().get(activation);
            assertTrue(large.min() <= small.min() && large.max() >= small.max(),
                    activation + ": " + large + " should contain " + small);
        }
        assertTrue(all.ranges().get("whiten/gelu").min() >= -0.1701f, "GELU outputs stay above -0.17");
    }

    @Test
    void rangesOfTheSpreadImagesEqualThoseOfThoseImagesAlone() {
        ImageSplit split = randomSplit(40, 2);
        Calibration spread = ActivationCalibrator.measure(MODEL, split, 4, SessionSettings.cpu());
        // every 10th image: 0, 10, 20, 30
        byte[] picked = new byte[4 * split.imageBytes()];
        for (int i = 0; i < 4; i++) {
            System.arraycopy(split.images(), i * 10 * split.imageBytes(), picked, i * split.imageBytes(),
                    split.imageBytes());
        }
        Calibration direct = ActivationCalibrator.measure(MODEL, TestModels.split(picked, new int[4]), 4,
                SessionSettings.cpu());
        assertEquals(direct.ranges(), spread.ranges());
    }

    @Test
    void spreadIndicesCoverTheSplitEvenly() {
        assertEquals(0, ActivationCalibrator.spreadIndex(0, 512, 50_000));
        assertEquals(25_000, ActivationCalibrator.spreadIndex(256, 512, 50_000));
        assertEquals(49_902, ActivationCalibrator.spreadIndex(511, 512, 50_000));
    }

    @Test
    void refusesMoreImagesThanTheSplitHolds() {
        assertThrows(IllegalArgumentException.class,
                () -> ActivationCalibrator.measure(MODEL, randomSplit(2, 3), 3, SessionSettings.cpu()));
    }

    private static ImageSplit randomSplit(int count, long seed) {
        byte[] images = new byte[count * TestModels.imageBytes()];
        new Random(seed).nextBytes(images);
        return TestModels.split(images, new int[count]);
    }
}
