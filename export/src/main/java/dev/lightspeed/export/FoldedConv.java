package dev.lightspeed.export;

import dev.lightspeed.models.TensorData;

/**
 * One convolution of the inference graph, with whatever per-channel maps could be folded into it already folded.
 *
 * @param weight  [out, in, k, k]
 * @param bias    per output channel, or null for none
 * @param stride  the same along both axes
 * @param padding zeros on each side
 */
record FoldedConv(TensorData weight, float[] bias, int stride, int padding) {

    int outputChannels() {
        return (int) weight.shape()[0];
    }

    int inputChannels() {
        return (int) weight.shape()[1];
    }

    int kernelSize() {
        return (int) weight.shape()[2];
    }

    /**
     * This conv, then {@code affine} on its output channels: the scale multiplies each filter and its bias, the
     * shift adds to the bias. Exact for any affine map.
     */
    FoldedConv followedBy(ChannelAffine affine) {
        double[] scale = affine.scale();
        if (scale.length != outputChannels()) {
            throw new IllegalArgumentException("a map of " + scale.length + " channels after a conv of "
                    + outputChannels());
        }
        float[] values = weight.values();
        float[] scaled = new float[values.length];
        int perFilter = values.length / scale.length;
        double[] newBias = new double[scale.length];
        for (int o = 0; o < scale.length; o++) {
            for (int i = 0; i < perFilter; i++) {
                int index = o * perFilter + i;
                scaled[index] = (float) (values[index] * scale[o]);
            }
            newBias[o] = (bias == null ? 0 : bias[o]) * scale[o] + affine.shift()[o];
        }
        return new FoldedConv(new TensorData(weight.shape(), scaled), toFloat(newBias), stride, padding);
    }

    /**
     * {@code affine} on the input channels, then this conv: conv(W, s·x + t) + b = conv(W·s, x) + (b + Σ W·t),
     * summing over each filter's taps. Exact only without padding, where every tap sees a mapped input value: a
     * padded conv sees zeros of the mapped input at the borders, which are not the map of any input value.
     */
    FoldedConv precededBy(ChannelAffine affine) {
        if (padding != 0) {
            throw new IllegalStateException("a map before a padded conv does not fold: the padding would change");
        }
        if (affine.channels() != inputChannels()) {
            throw new IllegalArgumentException("a map of " + affine.channels() + " channels before a conv of "
                    + inputChannels());
        }
        int outputs = outputChannels();
        int channels = inputChannels();
        int taps = (int) (weight.shape()[2] * weight.shape()[3]);
        float[] w = weight.values();
        float[] folded = new float[w.length];
        double[] foldedBias = new double[outputs];
        for (int o = 0; o < outputs; o++) {
            double offset = bias == null ? 0 : bias[o];
            for (int c = 0; c < channels; c++) {
                double s = affine.scale()[c];
                double t = affine.shift()[c];
                for (int k = 0; k < taps; k++) {
                    int index = (o * channels + c) * taps + k;
                    folded[index] = (float) (w[index] * s);
                    offset += w[index] * t;
                }
            }
            foldedBias[o] = offset;
        }
        return new FoldedConv(new TensorData(weight.shape(), folded), toFloat(foldedBias), stride, padding);
    }

    static float[] toFloat(double[] values) {
        float[] result = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            result[i] = (float) values[i];
        }
        return result;
    }
}
