package dev.lightspeed.export;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ActivationCalibratorTest {

    private static final CalibrationModel MODEL = OnnxExporter.calibrationModel(RandomCheckpoints.airbench94(21));
    private static final int IMAGE = 3 * 32 * 32;

    @Test
    void rangesCoverEveryActivationAndGrowWithTheImages() {
        float[] pixels = RandomCheckpoints.images(30, 1);
        Calibration few = ActivationCalibrator.measure(MODEL, List.of(Arrays.copyOf(pixels, 3 * IMAGE)));
        Calibration all = ActivationCalibrator.measure(MODEL, List.of(pixels));

        assertEquals(3, few.images());
        assertEquals(30, all.images());
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
    void rangesMergedOverBatchesEqualThoseOfOneBatch() {
        float[] pixels = RandomCheckpoints.images(10, 2);
        Calibration whole = ActivationCalibrator.measure(MODEL, List.of(pixels));
        Calibration split = ActivationCalibrator.measure(MODEL, List.of(Arrays.copyOfRange(pixels, 0, 4 * IMAGE),
                Arrays.copyOfRange(pixels, 4 * IMAGE, 5 * IMAGE), Arrays.copyOfRange(pixels, 5 * IMAGE, 10 * IMAGE)));

        assertEquals(10, split.images());
        assertEquals(whole.ranges(), split.ranges());
    }

    @Test
    void refusesBatchesThatAreNotWholeImagesAndNoImagesAtAll() {
        assertThrows(IllegalArgumentException.class,
                () -> ActivationCalibrator.measure(MODEL, List.of(new float[IMAGE + 1])));
        assertThrows(IllegalArgumentException.class, () -> ActivationCalibrator.measure(MODEL, List.of()));
    }
}
