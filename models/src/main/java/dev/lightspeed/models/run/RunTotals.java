package dev.lightspeed.models.run;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A run's epochs added up, as its summary reports them.
 *
 * @param trainSeconds    the training loops alone, summed
 * @param imagesPerSecond training images over {@code trainSeconds} (0 without training time)
 * @param peakRssBytes    the highest per-epoch peak resident memory
 * @param phaseSeconds    seconds per phase, summed
 */
public record RunTotals(double trainSeconds, double imagesPerSecond, long peakRssBytes,
        Map<String, Double> phaseSeconds) {

    public RunTotals {
        phaseSeconds = Collections.unmodifiableMap(new LinkedHashMap<>(phaseSeconds));
    }

    public static RunTotals of(List<EpochMetrics> rows) {
        double trainSeconds = 0;
        double images = 0;
        long peak = 0;
        Map<String, Double> phases = new LinkedHashMap<>();
        for (EpochMetrics row : rows) {
            EpochTimes times = row.times();
            trainSeconds += times.trainSeconds();
            images += times.imagesPerSecond() * times.trainSeconds();
            peak = Math.max(peak, times.peakRssBytes());
            times.phaseSeconds().forEach((phase, seconds) -> phases.merge(phase, seconds, Double::sum));
        }
        return new RunTotals(trainSeconds, trainSeconds > 0 ? images / trainSeconds : 0, peak, phases);
    }
}
