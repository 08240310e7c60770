package dev.lightspeed.train;

/** Learning rates per step: linear decay from the peak to zero over a span of steps, zero after it. */
final class LrSchedule {

    private LrSchedule() {
    }

    static double linearDecay(double peak, int step, int span) {
        if (span <= 0 || step >= span) {
            return 0;
        }
        return peak * (1.0 - (double) step / span);
    }
}
