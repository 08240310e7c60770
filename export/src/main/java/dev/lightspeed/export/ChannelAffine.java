package dev.lightspeed.export;

/**
 * A per-channel map {@code y = x * scale + shift}: what an eval-mode batchnorm with its scale fixed at 1 computes,
 * {@code (x - mean) / sqrt(var + eps) + bias}, written so that it can be folded into a neighbouring layer.
 * Held in double so that folding rounds to float once, at the end.
 */
record ChannelAffine(double[] scale, double[] shift) {

    ChannelAffine {
        if (scale.length != shift.length) {
            throw new IllegalArgumentException("scale and shift need one value per channel");
        }
    }

    static ChannelAffine ofBatchNorm(float[] runningMean, float[] runningVar, float[] bias, double eps) {
        int channels = runningMean.length;
        double[] scale = new double[channels];
        double[] shift = new double[channels];
        for (int c = 0; c < channels; c++) {
            scale[c] = 1.0 / Math.sqrt((double) runningVar[c] + eps);
            shift[c] = bias[c] - runningMean[c] * scale[c];
        }
        return new ChannelAffine(scale, shift);
    }

    int channels() {
        return scale.length;
    }

    /**
     * Whether a max pool may run after this map instead of before it: max(s·x + t) = s·max(x) + t holds only for
     * s ≥ 0, and we require s &gt; 0 so that a degenerate zero scale keeps its explicit form.
     */
    boolean commutesWithMaxPool() {
        for (double s : scale) {
            if (!(s > 0)) {
                return false;
            }
        }
        return true;
    }
}
