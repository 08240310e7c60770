package dev.lightspeed.models;

/**
 * One knot of a piecewise-linear learning-rate schedule: at fraction {@code at} of the run's steps, every learning
 * rate is {@code lr} times its peak. Between knots the multiplier is interpolated linearly per step, so the knots
 * {@code (0, 1), (1, 0)} are airbench's linear decay, and {@code (0, 0), (0.2, 1), (1, 0)} a warm-up over the first
 * fifth followed by a decay. A schedule stretches with the run: the same knots fit any number of epochs.
 */
public record LrKnot(double at, double lr) {

    public LrKnot {
        if (!(at >= 0 && at <= 1)) {
            throw new InputError("lr-schedule: a knot's 'at' is a fraction of the run in [0, 1], got " + at);
        }
        if (!(lr >= 0 && Double.isFinite(lr))) {
            throw new InputError("lr-schedule: a knot's 'lr' multiplies the peak rate and must not be negative, got "
                    + lr);
        }
    }
}
