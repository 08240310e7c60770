package dev.lightspeed.export;

import dev.lightspeed.models.TensorData;

/**
 * One convolution of the inference graph, with whatever per-channel maps could be folded into it already folded.
 *
 * @param weight    [out, in, k, k]
 * @param bias      per output channel, or null for none
 * @param afterPool a per-channel map that could not be folded because it sits behind a max pool with a
 *                  non-positive scale; the graph applies it explicitly after the pool. Null when folded.
 */
record FoldedConv(TensorData weight, float[] bias, ChannelAffine afterPool) {

    int outputChannels() {
        return (int) weight.shape()[0];
    }

    int kernelSize() {
        return (int) weight.shape()[2];
    }

    /** A bias-free conv followed by {@code affine}: scale multiplies the filters, shift becomes the bias. */
    static FoldedConv followedBy(TensorData convWeight, ChannelAffine affine) {
        return new FoldedConv(scaleFilters(convWeight, affine.scale()), toFloat(affine.shift()), null);
    }

    /**
     * A bias-free conv, a max pool, then {@code affine}. Folds like {@link #followedBy} when the pool commutes with
     * the affine map (the shift commutes always, a positive scale too); otherwise keeps the map for after the pool.
     */
    static FoldedConv pooledThen(TensorData convWeight, ChannelAffine affine) {
        if (affine.commutesWithMaxPool()) {
            return followedBy(convWeight, affine);
        }
        return new FoldedConv(convWeight, null, affine);
    }

    private static TensorData scaleFilters(TensorData weight, double[] scale) {
        float[] values = weight.values();
        float[] scaled = new float[values.length];
        int perFilter = values.length / scale.length;
        for (int o = 0; o < scale.length; o++) {
            for (int i = 0; i < perFilter; i++) {
                int index = o * perFilter + i;
                scaled[index] = (float) (values[index] * scale[o]);
            }
        }
        return new TensorData(weight.shape(), scaled);
    }

    static float[] toFloat(double[] values) {
        float[] result = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            result[i] = (float) values[i];
        }
        return result;
    }
}
