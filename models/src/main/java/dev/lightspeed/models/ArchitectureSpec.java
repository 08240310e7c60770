package dev.lightspeed.models;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The network's shape: a frozen patch-whitening conv, GELU, conv groups (conv3x3 → maxpool2 → batchnorm →
 * GELU → conv3x3 → batchnorm → GELU), a final max pool, a bias-free linear head whose logits are divided by
 * {@code logitDivisor}. Trainer, checkpoint and exporter all name tensors through {@link #tensorShapes()}.
 */
public record ArchitectureSpec(
        String name,
        int inputChannels,
        int imageSize,
        int numClasses,
        int whiteningKernel,
        List<Integer> blockWidths,
        int finalPool,
        double logitDivisor,
        double batchNormEps,
        double batchNormMomentum) {

    public static final String AIRBENCH94 = "airbench94";

    public ArchitectureSpec {
        blockWidths = List.copyOf(blockWidths);
        if (blockWidths.isEmpty()) {
            throw new IllegalArgumentException("an architecture needs at least one conv group");
        }
    }

    /** The network of the airbench94 record: widths 64/256/256, 2×2 whitening, logits / 256. */
    public static ArchitectureSpec airbench94() {
        return new ArchitectureSpec(AIRBENCH94, 3, 32, 10, 2, List.of(64, 256, 256), 3, 256.0, 1e-12, 0.4);
    }

    /** Whitening filters: every eigenvector of the patch covariance and its negation. */
    public int whiteningWidth() {
        return 2 * inputChannels * whiteningKernel * whiteningKernel;
    }

    public int groups() {
        return blockWidths.size();
    }

    public int groupInputWidth(int group) {
        return group == 0 ? whiteningWidth() : blockWidths.get(group - 1);
    }

    public int featureWidth() {
        return blockWidths.get(blockWidths.size() - 1);
    }

    /** Spatial size of the feature map that reaches the head; must be 1 for the linear head to see one vector. */
    public int headInputSize() {
        int size = imageSize - whiteningKernel + 1;
        for (int i = 0; i < groups(); i++) {
            size /= 2;
        }
        return size / finalPool;
    }

    public static String conv(int group, int index) {
        return "groups." + group + ".conv" + index + ".weight";
    }

    public static String normBias(int group, int index) {
        return "groups." + group + ".norm" + index + ".bias";
    }

    public static String normMean(int group, int index) {
        return "groups." + group + ".norm" + index + ".running_mean";
    }

    public static String normVar(int group, int index) {
        return "groups." + group + ".norm" + index + ".running_var";
    }

    public static final String WHITEN_WEIGHT = "whiten.weight";
    public static final String WHITEN_BIAS = "whiten.bias";
    public static final String HEAD_WEIGHT = "head.weight";

    /** Every tensor of a trained model, in forward order, with its shape. Batchnorm scales are fixed at 1. */
    public Map<String, long[]> tensorShapes() {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        int k = whiteningKernel;
        shapes.put(WHITEN_WEIGHT, new long[] {whiteningWidth(), inputChannels, k, k});
        shapes.put(WHITEN_BIAS, new long[] {whiteningWidth()});
        for (int g = 0; g < groups(); g++) {
            long in = groupInputWidth(g);
            long out = blockWidths.get(g);
            for (int i = 1; i <= 2; i++) {
                shapes.put(conv(g, i), new long[] {out, i == 1 ? in : out, 3, 3});
                shapes.put(normBias(g, i), new long[] {out});
                shapes.put(normMean(g, i), new long[] {out});
                shapes.put(normVar(g, i), new long[] {out});
            }
        }
        shapes.put(HEAD_WEIGHT, new long[] {numClasses, featureWidth()});
        return shapes;
    }
}
