package dev.lightspeed.export;

import dev.lightspeed.models.Normalization;

/**
 * A per-channel map {@code y = x * scale + shift}: what an eval-mode batchnorm computes,
 * {@code (x - mean) / sqrt(var + eps) * gamma + beta}, and what the input normalization computes,
 * {@code (x - mean) / std}, written so that it can be folded into a neighbouring layer or composed with another.
 * Held in double so that folding rounds to float once, at the end.
 */
record ChannelAffine(double[] scale, double[] shift) {

    ChannelAffine {
        if (scale.length != shift.length) {
            throw new IllegalArgumentException("scale and shift need one value per channel");
        }
    }

    /**
     * @param gamma the learned scale, or null when the batchnorm's scale is frozen at 1
     * @param beta  the learned shift
     */
    static ChannelAffine ofBatchNorm(float[] runningMean, float[] runningVar, float[] gamma, float[] beta,
            double eps) {
        int channels = runningMean.length;
        double[] scale = new double[channels];
        double[] shift = new double[channels];
        for (int c = 0; c < channels; c++) {
            double g = gamma == null ? 1 : gamma[c];
            scale[c] = g / Math.sqrt((double) runningVar[c] + eps);
            shift[c] = beta[c] - runningMean[c] * scale[c];
        }
        return new ChannelAffine(scale, shift);
    }

    /** The input normalization: (x - mean) / std per channel. */
    static ChannelAffine ofNormalization(Normalization normalization) {
        int channels = normalization.channels();
        double[] scale = new double[channels];
        double[] shift = new double[channels];
        for (int c = 0; c < channels; c++) {
            double std = normalization.std().get(c);
            scale[c] = 1 / std;
            shift[c] = -normalization.mean().get(c) / std;
        }
        return new ChannelAffine(scale, shift);
    }

    int channels() {
        return scale.length;
    }

    /** This map, then {@code next}: x → next(this(x)). */
    ChannelAffine then(ChannelAffine next) {
        if (next.channels() != channels()) {
            throw new IllegalArgumentException("cannot compose maps of " + channels() + " and " + next.channels()
                    + " channels");
        }
        double[] s = new double[channels()];
        double[] t = new double[channels()];
        for (int c = 0; c < s.length; c++) {
            s[c] = scale[c] * next.scale[c];
            t[c] = shift[c] * next.scale[c] + next.shift[c];
        }
        return new ChannelAffine(s, t);
    }

    /**
     * Whether a pool (a window's maximum, or its average) may run after this map instead of before it. An average
     * is linear, so it commutes with any affine map. max(s·x + t) = s·max(x) + t holds only for s ≥ 0, and we
     * require s &gt; 0 so that a degenerate zero scale keeps its explicit form.
     */
    boolean commutesWithPool(boolean max) {
        return !max || commutesWithMaxPool();
    }

    boolean commutesWithMaxPool() {
        for (double s : scale) {
            if (!(s > 0)) {
                return false;
            }
        }
        return true;
    }
}
