package dev.lightspeed.train;

import dev.lightspeed.models.LrKnot;

import java.util.List;

/**
 * Learning rates per step: a recipe's piecewise-linear multiplier of the peak over the fraction of the run's steps
 * ({@link LrKnot}), and the whitening bias's linear decay from the peak to zero over a span of steps.
 */
final class LrSchedule {

    private LrSchedule() {
    }

    /** Linear decay from {@code peak} at step 0 to zero at step {@code span}, zero after it. */
    static double linearDecay(double peak, int step, int span) {
        if (span <= 0 || step >= span) {
            return 0;
        }
        return peak * (1.0 - (double) step / span);
    }

    /** {@code peak} times the knots' multiplier at step {@code step} of {@code totalSteps}. */
    static double at(List<LrKnot> knots, double peak, int step, int totalSteps) {
        return peak * multiplier(knots, totalSteps <= 0 ? 1 : (double) step / totalSteps);
    }

    /**
     * The knots' multiplier at fraction {@code t} of the run: linear between the knots around it, the last knot's
     * value from the last knot on. Written as {@code lr_i + (t - at_i) / (at_{i+1} - at_i) * (lr_{i+1} - lr_i)}, so
     * that the knots (0, 1), (1, 0) give {@code 1 - t} exactly: airbench's linear decay, bit for bit.
     */
    static double multiplier(List<LrKnot> knots, double t) {
        LrKnot last = knots.get(knots.size() - 1);
        if (t >= last.at()) {
            return last.lr();
        }
        for (int i = knots.size() - 2; i >= 0; i--) {
            LrKnot from = knots.get(i);
            if (t >= from.at()) {
                LrKnot to = knots.get(i + 1);
                return from.lr() + (t - from.at()) / (to.at() - from.at()) * (to.lr() - from.lr());
            }
        }
        return knots.get(0).lr();
    }
}
