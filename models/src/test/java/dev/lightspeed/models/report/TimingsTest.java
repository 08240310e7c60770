package dev.lightspeed.models.report;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TimingsTest {

    @Test
    void nearestRankPercentiles() {
        double[] sorted = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20};

        assertEquals(10, Timings.percentile(sorted, 50));
        assertEquals(19, Timings.percentile(sorted, 95));
        assertEquals(7, Timings.percentile(new double[] {7}, 95));
    }

    @Test
    void throughputCountsImagesOverScoringTime() {
        Timings timings = Timings.of(0.5, 0.25, 2, 2.0, 1000, List.of(30.0, 10.0, 20.0));

        assertEquals(500, timings.imagesPerSecond());
        assertEquals(20, timings.p50BatchMillis());
        assertEquals(30, timings.p95BatchMillis());
        assertEquals(3, timings.batches());
    }
}
