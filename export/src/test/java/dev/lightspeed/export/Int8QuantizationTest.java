package dev.lightspeed.export;

import dev.lightspeed.export.Int8Quantization.ActivationScale;
import dev.lightspeed.export.Int8Quantization.ChannelWeights;
import dev.lightspeed.models.InputError;
import dev.lightspeed.models.TensorData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
    void theReducedRangeKeepsEveryPairOfProductsWithinSixteenBits() {
        // What a CPU without VNNI adds in 16 bits with saturation: two uint8 activations times two weight codes.
        assertEquals(63, Int8Weights.REDUCED.limit());
        int largestPair = 2 * 255 * Int8Weights.REDUCED.limit();
        assertTrue(largestPair <= Short.MAX_VALUE, "a pair of products reaches " + largestPair);
        assertTrue(2 * 255 * Int8Weights.FULL.limit() > Short.MAX_VALUE, "the full range is the one that needs VNNI");
        float[] values = {3.0f, -2.0f, 1.5f, -3.0f};
        ChannelWeights weights = Int8Quantization.perChannel(new TensorData(new long[] {1, 1, 2, 2}, values),
                Int8Weights.REDUCED);
        for (byte code : weights.codes()) {
            assertTrue(Math.abs(code) <= 63, "code " + code);
        }
        assertEquals(-63, weights.codes()[3]);
    }

    @ParameterizedTest
    @EnumSource(Int8Weights.class)
    void codesReachTheRangesLimitAndNeverPassIt(Int8Weights range) {
        int limit = range.limit();
        java.util.Random random = new java.util.Random(11);
        float[] filters = new float[16 * 8 * 3 * 3];
        for (int i = 0; i < filters.length; i++) {
            filters[i] = (float) random.nextGaussian();
        }
        ChannelWeights weights = Int8Quantization.perChannel(new TensorData(new long[] {16, 8, 3, 3}, filters), range);
        int perChannel = 8 * 3 * 3;
        for (int c = 0; c < 16; c++) {
            int largest = 0;
            float largestValue = 0;
            for (int i = c * perChannel; i < (c + 1) * perChannel; i++) {
                int code = weights.codes()[i];
                assertTrue(Math.abs(code) <= limit, range + ": code " + code + " of channel " + c);
                largest = Math.max(largest, Math.abs(code));
                largestValue = Math.max(largestValue, Math.abs(filters[i]));
            }
            assertEquals(limit, largest, range + ": channel " + c + " uses its whole range");
            assertEquals(largestValue / limit, weights.scales()[c], 1e-7 * largestValue, range + ": scale " + c);
        }
    }

    @Test
    void theFullRangeHasTwiceTheResolution() {
        float[] values = {1.0f, 0.3f, -0.77f, 0.01f};
        TensorData weight = new TensorData(new long[] {1, 1, 2, 2}, values);
        ChannelWeights reduced = Int8Quantization.perChannel(weight, Int8Weights.REDUCED);
        ChannelWeights full = Int8Quantization.perChannel(weight, Int8Weights.FULL);
        assertEquals(1.0 / 63, reduced.scales()[0], 1e-9);
        assertEquals(1.0 / 127, full.scales()[0], 1e-9);
        assertEquals(127, full.codes()[0]);
        assertEquals(63, reduced.codes()[0]);
        for (int i = 0; i < values.length; i++) {
            // Within one step, not half: keeping the filter's sum may move a tap by one.
            assertEquals(values[i], full.codes()[i] * full.scales()[0], full.scales()[0] + 1e-7, "weight " + i);
        }
        // The bias is stored at input times weight scale: the range sets it too.
        assertEquals(0.5 / 127, Int8Quantization.biasScales(0.5f, full.scales())[0], 1e-9);
        assertEquals(0.5 / 63, Int8Quantization.biasScales(0.5f, reduced.scales())[0], 1e-9);
    }

    @Test
    void weightsQuantizePerChannelWithinOneStep() {
        float[] values = {0.5f, -1.0f, 0.25f, 0.1f, /* channel 1 */ 0.001f, 0.002f, -0.003f, 0.0f,
            /* channel 2, all zero */ 0f, 0f, 0f, 0f};
        for (Int8Weights range : Int8Weights.values()) {
            int limit = range.limit();
            ChannelWeights weights = Int8Quantization.perChannel(new TensorData(new long[] {3, 1, 2, 2}, values),
                    range);
            assertEquals(1.0 / limit, weights.scales()[0], 1e-9);
            assertEquals(0.003 / limit, weights.scales()[1], 1e-9);
            assertTrue(weights.scales()[2] > 0);
            assertEquals(-limit, weights.codes()[1]);
            assertEquals(-limit, weights.codes()[6], "each channel uses its own full range");
            for (int i = 0; i < values.length; i++) {
                double restored = weights.codes()[i] * weights.scales()[i / 4];
                assertEquals(values[i], restored, weights.scales()[i / 4] + 1e-9, range + ": weight " + i);
            }
            assertArrayEquals(new byte[4], java.util.Arrays.copyOfRange(weights.codes(), 8, 12));
        }
    }

    @ParameterizedTest
    @EnumSource(Int8Weights.class)
    void roundingKeepsEachFiltersResponseToAFlatInput(Int8Weights range) {
        // A high-pass filter: rounded tap by tap, 0.4 + 0.4 + 0.4 - 1.2 of a step would sum to -1, not 0.
        float scale = 1.0f / range.limit();
        float[] values = {0.4f * scale, 0.4f * scale, 0.4f * scale, -1.2f * scale, /* the channel's max */ 1.0f,
            0f, 0f, 0f};
        ChannelWeights weights = Int8Quantization.perChannel(new TensorData(new long[] {1, 2, 2, 2}, values), range);
        assertEquals(scale, weights.scales()[0], 1e-9);
        int firstGroup = weights.codes()[0] + weights.codes()[1] + weights.codes()[2] + weights.codes()[3];
        assertEquals(0, firstGroup, "codes " + java.util.Arrays.toString(weights.codes()));
        assertEquals(range.limit(), weights.codes()[4]);

        java.util.Random random = new java.util.Random(3);
        float[] filters = new float[8 * 3 * 3 * 3];
        for (int i = 0; i < filters.length; i++) {
            filters[i] = (float) random.nextGaussian();
        }
        ChannelWeights many = Int8Quantization.perChannel(new TensorData(new long[] {8, 3, 3, 3}, filters), range);
        for (int group = 0; group < 8 * 3; group++) {
            double exact = 0;
            int codes = 0;
            for (int t = 0; t < 9; t++) {
                exact += filters[group * 9 + t] / many.scales()[group / 3];
                codes += many.codes()[group * 9 + t];
            }
            assertEquals(Math.round(exact), codes, "group " + group);
        }
    }

    @Test
    void theWeightRangeIsParsedByItsLabel() {
        assertEquals(Int8Weights.REDUCED, Int8Weights.parse("reduced"));
        assertEquals(Int8Weights.FULL, Int8Weights.parse(" FULL "));
        InputError error = assertThrows(InputError.class, () -> Int8Weights.parse("7bit"));
        assertEquals("unknown int8 weight range '7bit'; choose one of reduced, full", error.getMessage());
        assertEquals(Int8Weights.REDUCED, ExportOptions.defaults().int8Weights(), "the default is safe on every CPU");
        assertEquals(Int8Weights.FULL, ExportOptions.defaults().withInt8Weights(Int8Weights.FULL)
                .withPrecision(Precision.INT8).withTta(true).withOpset(21).int8Weights());
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
