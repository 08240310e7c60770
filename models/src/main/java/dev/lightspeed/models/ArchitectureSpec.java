package dev.lightspeed.models;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The network's shape: a frozen patch-whitening conv, GELU, conv groups (conv3x3 → maxpool2 → batchnorm →
 * GELU → conv3x3 → batchnorm → GELU), a final max pool, a bias-free linear head whose logits are divided by
 * {@code logitDivisor}. Trainer, checkpoint and exporter all name tensors through {@link #tensorShapes()}. The
 * values of a preset are in its recipe file ({@link Presets}); the JSON form is {@link RecipeJson}'s.
 *
 * @param name              the network family; checkpoints are only read for families this version knows
 * @param inputChannels     channels of an input image
 * @param imageSize         side of the square input image in pixels
 * @param numClasses        logits per image
 * @param whiteningKernel   side of the patches the frozen whitening conv sees
 * @param blockWidths       output channels of each conv group
 * @param finalPool         side of the max pool before the head
 * @param logitDivisor      the head's logits are divided by this (a fixed temperature)
 * @param batchNormEps      added to the batch variance before normalizing
 * @param batchNormMomentum weight of each batch's statistics in the running averages, in PyTorch's convention
 */
@JsonNaming(PropertyNamingStrategies.KebabCaseStrategy.class)
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
        require(name != null && !name.isBlank(), "name must be given");
        require(blockWidths != null && !blockWidths.isEmpty(), "block-widths needs at least one conv group");
        blockWidths = List.copyOf(blockWidths);
        require(blockWidths.stream().allMatch(w -> w > 0), "block-widths must be positive, got " + blockWidths);
        require(inputChannels > 0 && imageSize > 0 && whiteningKernel > 0 && finalPool > 0,
                "input-channels, image-size, whitening-kernel and final-pool must be positive");
        require(numClasses >= 2, "num-classes must be at least 2, got " + numClasses);
        require(logitDivisor > 0 && Double.isFinite(logitDivisor), "logit-divisor must be a positive number");
        require(batchNormEps > 0 && Double.isFinite(batchNormEps), "batch-norm-eps must be a positive number");
        require(batchNormMomentum >= 0 && batchNormMomentum <= 1, "batch-norm-momentum must be in [0, 1], got "
                + batchNormMomentum);
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new InputError(message);
        }
    }

    /** The network of the airbench94 preset. */
    public static ArchitectureSpec airbench94() {
        return Presets.named(AIRBENCH94).architecture();
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

    /**
     * This network for images of {@code geometry} in {@code numClasses} classes: the input and the head's width
     * follow the data, and the final max pool covers the whole feature map the conv groups leave, so the head sees
     * one vector at any image size. airbench94 on CIFAR-10 is its own fit (32 px leaves a 3×3 map, pooled by 3).
     */
    public ArchitectureSpec fittedTo(ImageGeometry geometry, int numClasses) {
        int side = geometry.size() - whiteningKernel + 1;
        for (int i = 0; i < groups(); i++) {
            side /= 2;
        }
        if (side < 1) {
            throw new InputError(geometry + " images are too small for the " + name + " network's " + groups()
                    + " pooling conv groups; use images of at least " + minimumImageSize() + " pixels");
        }
        return new ArchitectureSpec(name, geometry.channels(), geometry.size(), numClasses, whiteningKernel,
                blockWidths, side, logitDivisor, batchNormEps, batchNormMomentum);
    }

    /** The smallest image side that leaves a 1×1 feature map after the conv groups. */
    private int minimumImageSize() {
        return (1 << groups()) + whiteningKernel - 1;
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
