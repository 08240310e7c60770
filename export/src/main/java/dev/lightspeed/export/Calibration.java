package dev.lightspeed.export;

import java.util.Map;

/**
 * Observed ranges of the activations an int8 graph quantizes, keyed by the names {@link CalibrationModel} gives
 * them.
 *
 * @param ranges per activation
 * @param images how many images the ranges were measured on
 */
public record Calibration(Map<String, ActivationRange> ranges, int images) {

    public Calibration {
        ranges = Map.copyOf(ranges);
        if (images < 1) {
            throw new IllegalArgumentException("a calibration needs at least one image");
        }
    }

    ActivationRange range(String activation) {
        ActivationRange range = ranges.get(activation);
        if (range == null) {
            throw new IllegalArgumentException("calibration has no range for activation " + activation
                    + "; measure it on this checkpoint's calibration model");
        }
        return range;
    }
}
