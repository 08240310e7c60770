package dev.lightspeed.export;

import dev.lightspeed.export.Int8Quantization.ActivationScale;
import dev.lightspeed.export.Int8Quantization.ChannelWeights;
import dev.lightspeed.models.TensorData;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Int8QuantizationTest {

    @Test
    void activationGridSpansTheRangeAndHoldsZeroExactly() {
        ActivationScale scale = ActivationScale.spanning(new ActivationRange(-0.17f, 5.0f));
        assertEquals((5.0 + 0.17) / 255, scale.scale(), 1e-7);
        // zero point is the code of 0.0: dequantizing it gives exactly zero, as conv padding needs
        assertEquals(Math.round(0.17 / scale.scale()), scale.zeroPoint());
        double lowest = scale.scale() * (0 - scale.zeroPoint());
        double highest = scale.scale() * (255 - scale.zeroPoint());
        assertTrue(lowest <= -0.17 + scale.scale() / 2 && highest >= 5.0 - scale.scale() / 2,
                "grid [" + lowest + ", " + highest + "] misses the range");
    }

    @Test
    void oneSidedRangesAreWidenedToZero() {
        ActivationScale positive = ActivationScale.spanning(new ActivationRange(2f, 4f));
        assertEquals(0, positive.zeroPoint());
        assertEquals(4.0 / 255, positive.scale(), 1e-7);
        ActivationScale negative = ActivationScale.spanning(new ActivationRange(-3f, -1f));
        assertEquals(255, negative.zeroPoint());
        assertEquals(3.0 / 255, negative.scale(), 1e-7);
        ActivationScale constant = ActivationScale.spanning(new ActivationRange(0f, 0f));
        assertTrue(constant.scale() > 0, "a scale must be positive even for an all-zero activation");
    }

    @Test
    void everyEightBitPixelLevelGetsItsOwnCode() {
        ActivationScale pixels = ActivationScale.pixels();
        for (int level = 0; level <= 255; level++) {
            float pixel = level / 255f;
            assertEquals(level, Math.round(pixel / pixels.scale()) + pixels.zeroPoint(), "level " + level);
        }
    }

    @Test
    void weightsQuantizePerChannelWithinHalfAStep() {
        float[] values = {0.5f, -1.0f, 0.25f, 0.1f, /* channel 1 */ 0.001f, 0.002f, -0.003f, 0.0f,
            /* channel 2, all zero */ 0f, 0f, 0f, 0f};
        ChannelWeights weights = Int8Quantization.perChannel(new TensorData(new long[] {3, 1, 2, 2}, values));
        assertEquals(1.0 / 127, weights.scales()[0], 1e-9);
        assertEquals(0.003 / 127, weights.scales()[1], 1e-9);
        assertTrue(weights.scales()[2] > 0);
        assertEquals(-127, weights.codes()[1]);
        assertEquals(-127, weights.codes()[6], "each channel uses its own full range");
        for (int i = 0; i < values.length; i++) {
            double restored = weights.codes()[i] * weights.scales()[i / 4];
            assertEquals(values[i], restored, weights.scales()[i / 4] / 2 + 1e-9, "weight " + i);
        }
        assertArrayEquals(new byte[4], java.util.Arrays.copyOfRange(weights.codes(), 8, 12));
    }

    @Test
    void biasIsStoredAtInputTimesWeightScaleAndClampedToInt32() {
        float[] scales = Int8Quantization.biasScales(0.5f, new float[] {0.1f, 0.01f});
        assertArrayEquals(new float[] {0.05f, 0.005f}, scales, 1e-9f);
        int[] codes = Int8Quantization.biasCodes(new float[] {1.0f, -0.0126f}, scales);
        assertArrayEquals(new int[] {20, -3}, codes);
        int[] huge = Int8Quantization.biasCodes(new float[] {1e30f, -1e30f}, new float[] {1e-6f, 1e-6f});
        assertEquals(Integer.MAX_VALUE, huge[0]);
        assertEquals(Integer.MIN_VALUE + 1, huge[1]);
    }
}
