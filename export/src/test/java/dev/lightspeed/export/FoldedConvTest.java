package dev.lightspeed.export;

import dev.lightspeed.models.TensorData;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FoldedConvTest {

    private static final TensorData WEIGHT = new TensorData(new long[] {2, 1, 1, 2}, new float[] {1, 2, 3, 4});
    private static final FoldedConv CONV = new FoldedConv(WEIGHT, null, 1, 0);

    @Test
    void positiveScalesFoldIntoFiltersAndShiftBecomesBias() {
        ChannelAffine affine = new ChannelAffine(new double[] {0.5, 2}, new double[] {1, -1});

        FoldedConv folded = CONV.followedBy(affine);

        assertTrue(affine.commutesWithMaxPool(), "positive scales may move through a max pool");
        assertArrayEquals(new float[] {0.5f, 1, 6, 8}, folded.weight().values());
        assertArrayEquals(new float[] {1, -1}, folded.bias());
    }

    @Test
    void nonPositiveScaleCommutesWithAnAveragePoolOnly() {
        for (double bad : new double[] {-0.5, 0, Double.NaN}) {
            ChannelAffine affine = new ChannelAffine(new double[] {1, bad}, new double[] {0, 0});

            assertFalse(affine.commutesWithMaxPool(), "scale " + bad);
            assertFalse(affine.commutesWithPool(true), "scale " + bad);
            assertTrue(affine.commutesWithPool(false), "an average is linear: any map commutes with it");
        }
    }

    @Test
    void withoutPoolAnyScaleFolds() {
        ChannelAffine affine = new ChannelAffine(new double[] {-1, 0}, new double[] {3, 4});

        FoldedConv folded = CONV.followedBy(affine);

        assertArrayEquals(new float[] {-1, -2, 0, 0}, folded.weight().values());
        assertArrayEquals(new float[] {3, 4}, folded.bias());
    }

    @Test
    void convBiasIsFoldedThrough() {
        FoldedConv biased = new FoldedConv(WEIGHT, new float[] {1, 2}, 2, 1);

        FoldedConv folded = biased.followedBy(new ChannelAffine(new double[] {-1, 3}, new double[] {0.5, 1}));

        // (b · s) + t per channel; stride and padding stay the conv's.
        assertArrayEquals(new float[] {-0.5f, 7}, folded.bias());
        assertEquals(2, folded.stride());
        assertEquals(1, folded.padding());
    }

    @Test
    void mapBeforeAnUnpaddedConvFoldsIntoItsFiltersAndBias() {
        // conv(W, 2x + 1) + b = conv(2W, x) + (b + ΣW): the filters sum to 3 and 7.
        FoldedConv folded = new FoldedConv(WEIGHT, new float[] {1, -1}, 1, 0)
                .precededBy(new ChannelAffine(new double[] {2}, new double[] {1}));

        assertArrayEquals(new float[] {2, 4, 6, 8}, folded.weight().values());
        assertArrayEquals(new float[] {4, 6}, folded.bias());
        assertArrayEquals(new float[] {3, 7}, CONV.precededBy(new ChannelAffine(new double[] {2}, new double[] {1}))
                .bias(), "a conv without bias gets one");
        assertThrows(IllegalStateException.class, () -> new FoldedConv(WEIGHT, null, 1, 1)
                .precededBy(new ChannelAffine(new double[] {2}, new double[] {1})), "padding would see the zeros");
    }

    @Test
    void batchnormAffineMatchesEvalFormula() {
        ChannelAffine affine = ChannelAffine.ofBatchNorm(new float[] {1}, new float[] {4}, null, new float[] {0.5f}, 0);

        // (x - 1) / 2 + 0.5 = 0.5·x + 0
        assertArrayEquals(new double[] {0.5}, affine.scale());
        assertArrayEquals(new double[] {0}, affine.shift());

        ChannelAffine learned = ChannelAffine.ofBatchNorm(new float[] {1}, new float[] {4}, new float[] {-2},
                new float[] {0.5f}, 0);
        // (x - 1) / 2 · (-2) + 0.5 = -x + 1.5
        assertArrayEquals(new double[] {-1}, learned.scale());
        assertArrayEquals(new double[] {1.5}, learned.shift());
    }

    @Test
    void mapsComposeInOrder() {
        ChannelAffine first = new ChannelAffine(new double[] {2}, new double[] {1});
        ChannelAffine second = new ChannelAffine(new double[] {-3}, new double[] {4});

        ChannelAffine both = first.then(second);

        // -3 · (2x + 1) + 4 = -6x + 1
        assertArrayEquals(new double[] {-6}, both.scale());
        assertArrayEquals(new double[] {1}, both.shift());
        assertNull(CONV.bias());
    }
}
