package dev.lightspeed.models;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class EvalBatchTest {

    @Test
    void defaultHoldsAsManyPixelsAsAThousandCifarImages() {
        assertEquals(1000, EvalBatch.defaultFor(32));
        assertEquals(250, EvalBatch.defaultFor(64));
        assertEquals(62, EvalBatch.defaultFor(128));
        assertEquals(4000, EvalBatch.defaultFor(16));
    }

    @Test
    void hugeImagesStillScoreOneAtATime() {
        assertEquals(1, EvalBatch.defaultFor(4096));
    }

    @Test
    void nonPositiveSizeIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> EvalBatch.defaultFor(0));
    }
}
