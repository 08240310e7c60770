package dev.lightspeed.models.run;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where an epoch's time and memory went.
 *
 * @param trainSeconds    the epoch's training steps alone (no evaluation)
 * @param totalSeconds    training, evaluation and data preparation since the run began
 * @param imagesPerSecond training images per second of {@code trainSeconds}
 * @param peakRssBytes    the process's peak resident memory during the epoch
 * @param phaseSeconds    seconds per phase of the epoch (data, forward, backward, optimizer, eval)
 */
public record EpochTimes(double trainSeconds, double totalSeconds, double imagesPerSecond, long peakRssBytes,
        Map<String, Double> phaseSeconds) {

    public EpochTimes {
        phaseSeconds = Collections.unmodifiableMap(new LinkedHashMap<>(phaseSeconds));
    }
}
