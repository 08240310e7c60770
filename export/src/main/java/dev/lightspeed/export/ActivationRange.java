package dev.lightspeed.export;

import java.nio.FloatBuffer;

/** The smallest and largest value one activation took over the calibration images. */
public record ActivationRange(float min, float max) {

    public ActivationRange {
        if (!(min <= max) || !Float.isFinite(min) || !Float.isFinite(max)) {
            throw new IllegalArgumentException("activation range [" + min + ", " + max + "] is not a finite interval");
        }
    }

    /** The range of the remaining values of {@code values}; throws when it holds none or a non-finite one. */
    public static ActivationRange of(FloatBuffer values) {
        if (!values.hasRemaining()) {
            throw new IllegalArgumentException("no values to take a range of");
        }
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        while (values.hasRemaining()) {
            float v = values.get();
            if (!Float.isFinite(v)) {
                throw new IllegalArgumentException("activation holds a non-finite value (" + v + ")");
            }
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        return new ActivationRange(min, max);
    }

    public ActivationRange union(ActivationRange other) {
        return new ActivationRange(Math.min(min, other.min), Math.max(max, other.max));
    }
}
