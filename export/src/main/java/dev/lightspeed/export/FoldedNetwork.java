package dev.lightspeed.export;

import dev.lightspeed.models.ArchitectureSpec;
import dev.lightspeed.models.Checkpoint;
import dev.lightspeed.models.InputError;
import dev.lightspeed.models.Normalization;
import dev.lightspeed.models.TensorData;

import java.util.ArrayList;
import java.util.List;

/**
 * A checkpoint's weights rearranged for inference, computing exactly the trained network in eval mode with fewer
 * operations: the input normalization is folded into the whitening conv (exact because that conv has no
 * padding, so every tap sees a normalized pixel), every batchnorm into the conv before it, and the logit divisor
 * into the head.
 *
 * @param whitening the whitening conv, taking pixels in [0, 1]
 * @param head      [classes, features], already divided by the logit divisor
 */
record FoldedNetwork(ArchitectureSpec spec, FoldedConv whitening, List<FoldedGroup> groups, TensorData head) {

    static FoldedNetwork of(Checkpoint checkpoint) {
        ArchitectureSpec spec = checkpoint.architecture();
        requireExportable(checkpoint);
        FoldedConv whitening = normalizedWhitening(
                checkpoint.tensors().get(ArchitectureSpec.WHITEN_WEIGHT),
                checkpoint.tensors().get(ArchitectureSpec.WHITEN_BIAS).values(),
                checkpoint.normalization());
        List<FoldedGroup> groups = new ArrayList<>();
        for (int g = 0; g < spec.groups(); g++) {
            FoldedConv pooled = FoldedConv.pooledThen(tensor(checkpoint, ArchitectureSpec.conv(g, 1)),
                    batchNorm(checkpoint, g, 1));
            FoldedConv second = FoldedConv.followedBy(tensor(checkpoint, ArchitectureSpec.conv(g, 2)),
                    batchNorm(checkpoint, g, 2));
            groups.add(new FoldedGroup(pooled, second));
        }
        return new FoldedNetwork(spec, whitening, List.copyOf(groups),
                divided(tensor(checkpoint, ArchitectureSpec.HEAD_WEIGHT), spec.logitDivisor()));
    }

    int numClasses() {
        return spec.numClasses();
    }

    /**
     * conv(W, (x - mean) / std) + b = conv(W / std, x) + (b - Σ W · mean / std), summing over each filter's taps.
     */
    private static FoldedConv normalizedWhitening(TensorData weight, float[] bias, Normalization normalization) {
        long[] shape = weight.shape();
        int outputs = (int) shape[0];
        int channels = (int) shape[1];
        int taps = (int) (shape[2] * shape[3]);
        float[] w = weight.values();
        float[] folded = new float[w.length];
        double[] foldedBias = new double[outputs];
        for (int o = 0; o < outputs; o++) {
            double offset = bias[o];
            for (int c = 0; c < channels; c++) {
                double mean = normalization.mean().get(c);
                double std = normalization.std().get(c);
                for (int t = 0; t < taps; t++) {
                    int index = (o * channels + c) * taps + t;
                    folded[index] = (float) (w[index] / std);
                    offset -= w[index] * mean / std;
                }
            }
            foldedBias[o] = offset;
        }
        return new FoldedConv(new TensorData(shape, folded), FoldedConv.toFloat(foldedBias), null);
    }

    private static ChannelAffine batchNorm(Checkpoint checkpoint, int group, int index) {
        float[] mean = tensor(checkpoint, ArchitectureSpec.normMean(group, index)).values();
        float[] variance = tensor(checkpoint, ArchitectureSpec.normVar(group, index)).values();
        float[] bias = tensor(checkpoint, ArchitectureSpec.normBias(group, index)).values();
        for (float v : variance) {
            if (Float.isNaN(v) || v < 0) {
                throw new InputError("checkpoint tensor " + ArchitectureSpec.normVar(group, index)
                        + " holds a negative or NaN running variance (" + v
                        + "); the checkpoint is corrupt, export another one");
            }
        }
        return ChannelAffine.ofBatchNorm(mean, variance, bias, checkpoint.architecture().batchNormEps());
    }

    private static TensorData divided(TensorData weight, double divisor) {
        float[] values = weight.values();
        float[] result = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            result[i] = (float) (values[i] / divisor);
        }
        return new TensorData(weight.shape(), result);
    }

    private static TensorData tensor(Checkpoint checkpoint, String name) {
        return checkpoint.tensors().get(name);
    }

    /** Structural conditions the graph relies on; the checkpoint constructor has already checked tensor shapes. */
    private static void requireExportable(Checkpoint checkpoint) {
        ArchitectureSpec spec = checkpoint.architecture();
        if (spec.headInputSize() != 1) {
            throw new InputError("architecture " + spec.name() + " leaves a " + spec.headInputSize() + "x"
                    + spec.headInputSize() + " feature map before the head, the exporter needs 1x1; "
                    + "export a checkpoint of a supported architecture (" + ArchitectureSpec.AIRBENCH94 + ")");
        }
        if (checkpoint.normalization().channels() != spec.inputChannels()) {
            throw new InputError("checkpoint normalization has " + checkpoint.normalization().channels()
                    + " channels but the architecture takes " + spec.inputChannels()
                    + "; the checkpoint is inconsistent, export another one");
        }
        if (checkpoint.classes().size() != spec.numClasses()) {
            throw new InputError("checkpoint names " + checkpoint.classes().size() + " classes but its head has "
                    + spec.numClasses() + " outputs; the checkpoint is inconsistent, export another one");
        }
    }
}
