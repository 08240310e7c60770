package dev.lightspeed.export;

import dev.lightspeed.models.TensorData;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

class FoldedConvTest {

    private static final TensorData WEIGHT = new TensorData(new long[] {2, 1, 1, 2}, new float[] {1, 2, 3, 4});

    @Test
    void positiveScalesFoldIntoFiltersAndShiftBecomesBias() {
        ChannelAffine affine = new ChannelAffine(new double[] {0.5, 2}, new double[] {1, -1});

        FoldedConv folded = FoldedConv.pooledThen(WEIGHT, affine);

        assertArrayEquals(new float[] {0.5f, 1, 6, 8}, folded.weight().values());
        assertArrayEquals(new float[] {1, -1}, folded.bias());
        assertNull(folded.afterPool());
    }

    @Test
    void nonPositiveScaleBehindPoolIsKeptExplicit() {
        for (double bad : new double[] {-0.5, 0, Double.NaN}) {
            ChannelAffine affine = new ChannelAffine(new double[] {1, bad}, new double[] {0, 0});

            FoldedConv kept = FoldedConv.pooledThen(WEIGHT, affine);

            assertSame(WEIGHT, kept.weight());
            assertNull(kept.bias());
            assertSame(affine, kept.afterPool());
        }
    }

    @Test
    void withoutPoolAnyScaleFolds() {
        ChannelAffine affine = new ChannelAffine(new double[] {-1, 0}, new double[] {3, 4});

        FoldedConv folded = FoldedConv.followedBy(WEIGHT, affine);

        assertArrayEquals(new float[] {-1, -2, 0, 0}, folded.weight().values());
        assertArrayEquals(new float[] {3, 4}, folded.bias());
    }

    @Test
    void batchnormAffineMatchesEvalFormula() {
        ChannelAffine affine = ChannelAffine.ofBatchNorm(new float[] {1}, new float[] {4}, new float[] {0.5f}, 0);

        // (x - 1) / 2 + 0.5 = 0.5·x + 0
        assertArrayEquals(new double[] {0.5}, affine.scale());
        assertArrayEquals(new double[] {0}, affine.shift());
    }
}
