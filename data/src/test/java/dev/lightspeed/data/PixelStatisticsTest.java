package dev.lightspeed.data;

import dev.lightspeed.models.Normalization;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PixelStatisticsTest {

    @Test
    void meanAndPopulationStdPerChannelOverEveryImage() {
        // Two 2×2 images of two channels. Channel 0 holds 0, 255, 0, 255 | 0, 255, 0, 255: mean 127.5, std 127.5.
        // Channel 1 holds 10, 10, 10, 10 | 20, 20, 20, 20: mean 15, std 5.
        byte[] images = {
            0, (byte) 255, 0, (byte) 255, 10, 10, 10, 10,
            0, (byte) 255, 0, (byte) 255, 20, 20, 20, 20,
        };
        ImageSplit split = new ImageSplit(images, new int[] {0, 1}, 2, 2);

        Normalization normalization = PixelStatistics.normalization(split);

        assertEquals(0.5, normalization.mean().get(0), 1e-12);
        assertEquals(0.5, normalization.std().get(0), 1e-12);
        assertEquals(15 / 255.0, normalization.mean().get(1), 1e-12);
        assertEquals(5 / 255.0, normalization.std().get(1), 1e-12);
    }

    @Test
    void aChannelWithoutSpreadIsLeftUnscaled() {
        byte[] images = {7, 7, 7, 7, 1, 2, 3, 4};
        ImageSplit split = new ImageSplit(images, new int[] {0}, 2, 2);

        Normalization normalization = PixelStatistics.normalization(split);

        assertEquals(7 / 255.0, normalization.mean().get(0), 1e-12);
        assertEquals(1.0, normalization.std().get(0));
        assertEquals(Math.sqrt(1.25) / 255, normalization.std().get(1), 1e-12);
    }
}
