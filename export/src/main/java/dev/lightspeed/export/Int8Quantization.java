package dev.lightspeed.export;

import dev.lightspeed.models.TensorData;

/**
 * The arithmetic of the int8 graph, in the scheme ONNX Runtime's CPU kernels run fastest on x86: activations
 * uint8 with a per-tensor scale and zero point (asymmetric, so that GELU's small negative lobe does not waste half
 * the codes), weights int8 symmetric per output channel (within the chosen {@link Int8Weights} range, by default
 * the 7-bit one that every CPU computes correctly), biases int32 at scale input·weight so that the integer
 * accumulator adds them directly.
 */
final class Int8Quantization {

    private Int8Quantization() {
    }

    /** uint8 scale and zero point of an activation: real = scale · (code − zeroPoint). */
    record ActivationScale(float scale, int zeroPoint) {

        /** The uint8 grid that spans {@code range} and zero, so that zero (padding) is represented exactly. */
        static ActivationScale spanning(ActivationRange range) {
            double low = Math.min(range.min(), 0.0);
            double high = Math.max(range.max(), 0.0);
            if (high - low == 0) {
                return new ActivationScale(1f, 0);
            }
            double scale = (high - low) / 255.0;
            int zeroPoint = (int) Math.round(-low / scale);
            return new ActivationScale((float) scale, Math.max(0, Math.min(255, zeroPoint)));
        }

        /** Pixels in [0, 1] that came from 8-bit images: each of the 256 levels maps to its own code, exactly. */
        static ActivationScale pixels() {
            return new ActivationScale(1f / 255f, 0);
        }
    }

    /** int8 weights of a [out, ...] tensor and the scale of each output channel. */
    record ChannelWeights(byte[] codes, float[] scales) {
    }

    /**
     * Symmetric int8 codes per output channel of a [out, in, k, k] conv weight, rounded so that each filter keeps
     * its response to a flat input: within every (output, input) channel pair the codes sum to the rounded sum of
     * the real values. Rounding each tap on its own would break that, and the whitening filters, differences of
     * nearly equal taps, would then leak the local brightness into every feature (in a float simulation of a
     * trained airbench94, rounding its whitening weights tap by tap cost 25 test images of 10,000; with sums kept,
     * none).
     */
    static ChannelWeights perChannel(TensorData weight, Int8Weights range) {
        int limit = range.limit();
        float[] values = weight.values();
        int channels = (int) weight.shape()[0];
        int perChannel = values.length / channels;
        int taps = weight.shape().length == 4 ? (int) (weight.shape()[2] * weight.shape()[3]) : perChannel;
        byte[] codes = new byte[values.length];
        float[] scales = new float[channels];
        for (int c = 0; c < channels; c++) {
            float largest = 0;
            for (int i = c * perChannel; i < (c + 1) * perChannel; i++) {
                largest = Math.max(largest, Math.abs(values[i]));
            }
            // An all-zero filter still needs a positive scale; its codes are all zero whatever the scale.
            scales[c] = largest == 0 ? 1f : largest / limit;
            for (int group = c * perChannel; group < (c + 1) * perChannel; group += taps) {
                roundKeepingSum(values, group, taps, scales[c], limit, codes);
            }
        }
        return new ChannelWeights(codes, scales);
    }

    /**
     * Rounds values[from, from + count) / scale to codes within ±limit whose sum is the rounded sum of the exact
     * quotients.
     */
    private static void roundKeepingSum(float[] values, int from, int count, float scale, int limit, byte[] codes) {
        double[] exact = new double[count];
        int[] rounded = new int[count];
        double exactSum = 0;
        long roundedSum = 0;
        for (int i = 0; i < count; i++) {
            exact[i] = values[from + i] / (double) scale;
            rounded[i] = (int) Math.max(-limit, Math.min(limit, Math.round(exact[i])));
            exactSum += exact[i];
            roundedSum += rounded[i];
        }
        long missing = Math.round(exactSum) - roundedSum;
        boolean[] moved = new boolean[count];
        while (missing != 0) {
            int step = missing > 0 ? 1 : -1;
            // The tap whose rounding went furthest against the needed direction, and that can still move.
            int best = -1;
            for (int i = 0; i < count; i++) {
                boolean room = Math.abs(rounded[i] + step) <= limit;
                if (!moved[i] && room
                        && (best < 0 || step * (exact[i] - rounded[i]) > step * (exact[best] - rounded[best]))) {
                    best = i;
                }
            }
            if (best < 0) {
                break;
            }
            rounded[best] += step;
            moved[best] = true;
            missing -= step;
        }
        for (int i = 0; i < count; i++) {
            codes[from + i] = (byte) rounded[i];
        }
    }

    /** The per-channel scale of a conv's int32 bias: input scale times each filter's weight scale. */
    static float[] biasScales(float inputScale, float[] weightScales) {
        float[] scales = new float[weightScales.length];
        for (int c = 0; c < scales.length; c++) {
            scales[c] = inputScale * weightScales[c];
        }
        return scales;
    }

    static int[] biasCodes(float[] bias, float[] scales) {
        int[] codes = new int[bias.length];
        for (int c = 0; c < bias.length; c++) {
            double code = Math.rint(bias[c] / (double) scales[c]);
            codes[c] = (int) Math.max(Integer.MIN_VALUE + 1, Math.min(Integer.MAX_VALUE, code));
        }
        return codes;
    }
}
