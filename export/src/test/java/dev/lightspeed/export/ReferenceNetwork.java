package dev.lightspeed.export;

import dev.lightspeed.models.ArchitectureSpec;
import dev.lightspeed.models.Checkpoint;
import dev.lightspeed.models.layers.Layer;
import dev.lightspeed.models.layers.NetworkLayout;

import java.util.List;

/**
 * The trained network in eval mode, written out plainly from the checkpoint's own tensors (no folding), in
 * float32 with double accumulation: the independent answer exported graphs are checked against. Images are
 * NCHW float32 pixels in [0, 1].
 *
 * <p>Each family's forward pass is written here from its published description, under the checkpoint's tensor
 * names, not derived from the layer list as the exporter derives it; from the layer list it reads only the settings
 * a variant changes (the activation function, the batchnorm eps, the head's output scale).
 * <ul>
 * <li>airbench (Keller Jordan's airbench94): a 2×2 stem conv without padding, with a bias ({@code whiten}: the
 *     fitted whitening filters, or in the ablation a plain learned conv of the same width), the activation; per
 *     group {@code groups.g}: conv1 (3×3, pad 1, no bias) → 2×2 max pool → norm1 → activation → conv2 → norm2 →
 *     activation; a global max pool; the bias-free head, its logits times the scale (1/divisor).</li>
 * <li>ResNet-9 (Myrtle.ai, David Page): prep = conv-bn-relu; layer1 = conv-bn-relu, 2×2 max pool, then
 *     x + res(x) with res = conv-bn-relu, conv-bn-relu; layer2 = conv-bn-relu, max pool; layer3 as layer1; a
 *     global max pool; a bias-free linear head, its logits times 0.125. Every batchnorm learns its scale.</li>
 * </ul>
 * A batchnorm multiplies by its scale tensor {@code <norm>.weight} when the checkpoint has one (learned), else by 1.
 */
public final class ReferenceNetwork {

    private enum Family { AIRBENCH, RESNET9 }

    private final Checkpoint checkpoint;
    private final ArchitectureSpec spec;
    private final Family family;
    private final String activation;
    private final double alpha;
    private final double eps;
    private final double headScale;

    private ReferenceNetwork(Checkpoint checkpoint, Family family) {
        this.checkpoint = checkpoint;
        this.spec = checkpoint.architecture();
        this.family = family;
        List<Layer> layers = NetworkLayout.flattened(spec.layers());
        List<Layer.Activation> activations = layers.stream().filter(l -> l instanceof Layer.Activation)
                .map(l -> (Layer.Activation) l).toList();
        this.activation = activations.get(0).function();
        this.alpha = activations.get(0).alpha() == null ? 1 : activations.get(0).alpha();
        if (activations.stream().anyMatch(a -> !a.function().equals(activation))) {
            throw new IllegalArgumentException("the reference takes one activation function throughout");
        }
        List<Double> epsilons = layers.stream().filter(l -> l instanceof Layer.BatchNorm)
                .map(l -> ((Layer.BatchNorm) l).eps()).distinct().toList();
        if (epsilons.size() != 1) {
            throw new IllegalArgumentException("the reference takes one batchnorm eps throughout");
        }
        this.eps = epsilons.get(0);
        this.headScale = ((Layer.Linear) spec.layers().get(spec.layers().size() - 1)).scale();
    }

    /** An airbench network, whitened or with the stem ablated to a plain conv, of any number of groups. */
    public static ReferenceNetwork airbench(Checkpoint checkpoint) {
        return new ReferenceNetwork(checkpoint, Family.AIRBENCH);
    }

    /** Myrtle's ResNet-9, of any widths. */
    public static ReferenceNetwork resnet9(Checkpoint checkpoint) {
        return new ReferenceNetwork(checkpoint, Family.RESNET9);
    }

    /** f(x): logits of each image. */
    public float[][] logits(float[] images, int count) {
        return logitsOfNormalized(normalize(images, count), count);
    }

    /**
     * The trainer's test-time augmentation: level 0 = f(x); 1 = m(x) = (f(x) + f(mirror x)) / 2;
     * 2 = m(x)/2 + m(a)/4 + m(b)/4 with a, b the 1-pixel reflect-padded shifts, taken from the NORMALIZED input.
     */
    public float[][] ttaLogits(float[] images, int count, int level) {
        float[] x = normalize(images, count);
        if (level == 0) {
            return logitsOfNormalized(x, count);
        }
        float[][] mx = mirrorAveraged(x, count);
        if (level == 1) {
            return mx;
        }
        int size = spec.imageSize();
        float[] padded = reflectPad(x, count, spec.inputChannels(), size, 1);
        float[][] ma = mirrorAveraged(crop(padded, count, spec.inputChannels(), size + 2, 0, size), count);
        float[][] mb = mirrorAveraged(crop(padded, count, spec.inputChannels(), size + 2, 2, size), count);
        float[][] result = new float[count][];
        for (int n = 0; n < count; n++) {
            result[n] = new float[mx[n].length];
            for (int k = 0; k < mx[n].length; k++) {
                result[n][k] = 0.5f * mx[n][k] + 0.25f * ma[n][k] + 0.25f * mb[n][k];
            }
        }
        return result;
    }

    private float[][] mirrorAveraged(float[] x, int count) {
        float[][] plain = logitsOfNormalized(x, count);
        float[][] mirrored = logitsOfNormalized(mirror(x, count, spec.inputChannels(), spec.imageSize()), count);
        for (int n = 0; n < count; n++) {
            for (int k = 0; k < plain[n].length; k++) {
                plain[n][k] = 0.5f * plain[n][k] + 0.5f * mirrored[n][k];
            }
        }
        return plain;
    }

    private float[] normalize(float[] images, int count) {
        int channels = spec.inputChannels();
        int plane = spec.imageSize() * spec.imageSize();
        float[] result = new float[images.length];
        for (int n = 0; n < count; n++) {
            for (int c = 0; c < channels; c++) {
                float mean = checkpoint.normalization().mean().get(c).floatValue();
                float std = checkpoint.normalization().std().get(c).floatValue();
                for (int i = 0; i < plane; i++) {
                    int index = (n * channels + c) * plane + i;
                    result[index] = (images[index] - mean) / std;
                }
            }
        }
        return result;
    }

    private float[][] logitsOfNormalized(float[] x, int count) {
        float[][] logits = new float[count][];
        int channels = spec.inputChannels();
        int size = spec.imageSize();
        int imageLength = channels * size * size;
        for (int n = 0; n < count; n++) {
            float[] image = new float[imageLength];
            System.arraycopy(x, n * imageLength, image, 0, imageLength);
            logits[n] = forwardOne(image);
        }
        return logits;
    }

    private float[] forwardOne(float[] image) {
        FeatureMap map = new FeatureMap(image, spec.inputChannels(), spec.imageSize());
        map = family == Family.AIRBENCH ? airbench(map) : resnet9(map);
        map = globalMaxPool(map);
        float[] head = tensor("head.weight");
        float[] headBias = optional("head.bias");
        int features = map.channels;
        float[] logits = new float[spec.numClasses()];
        for (int k = 0; k < logits.length; k++) {
            double sum = headBias == null ? 0 : headBias[k];
            for (int j = 0; j < features; j++) {
                sum += (double) head[k * features + j] * map.values[j];
            }
            logits[k] = (float) ((float) sum * headScale);
        }
        return logits;
    }

    private FeatureMap airbench(FeatureMap input) {
        FeatureMap map = conv(input, "whiten", 0);
        activate(map);
        for (int g = 0; checkpoint.tensors().containsKey("groups." + g + ".conv1.weight"); g++) {
            String group = "groups." + g + ".";
            map = conv(map, group + "conv1", 1);
            map = maxPool(map, 2);
            batchNorm(map, group + "norm1");
            activate(map);
            map = conv(map, group + "conv2", 1);
            batchNorm(map, group + "norm2");
            activate(map);
        }
        return map;
    }

    private FeatureMap resnet9(FeatureMap input) {
        FeatureMap map = convBn(input, "prep.conv", "prep.norm");
        map = residualStage(map, "layer1");
        map = maxPool(convBn(map, "layer2.conv", "layer2.norm"), 2);
        return residualStage(map, "layer3");
    }

    /** conv-bn-relu, max pool, then x + (conv-bn-relu, conv-bn-relu)(x). */
    private FeatureMap residualStage(FeatureMap input, String layer) {
        FeatureMap x = maxPool(convBn(input, layer + ".conv", layer + ".norm"), 2);
        String res = layer + ".residual.";
        FeatureMap y = convBn(convBn(x, res + "conv1", res + "norm1"), res + "conv2", res + "norm2");
        float[] sum = new float[x.values.length];
        for (int i = 0; i < sum.length; i++) {
            sum[i] = x.values[i] + y.values[i];
        }
        return new FeatureMap(sum, x.channels, x.size);
    }

    private FeatureMap convBn(FeatureMap input, String conv, String norm) {
        FeatureMap map = conv(input, conv, 1);
        batchNorm(map, norm);
        activate(map);
        return map;
    }

    /** One image's feature map, CHW. */
    private record FeatureMap(float[] values, int channels, int size) {
    }

    /** A stride-1 conv {@code name}, with its bias {@code name.bias} when the checkpoint has one. */
    private FeatureMap conv(FeatureMap input, String name, int padding) {
        long[] shape = checkpoint.tensors().get(name + ".weight").shape();
        float[] weight = tensor(name + ".weight");
        float[] bias = optional(name + ".bias");
        int outputs = (int) shape[0];
        int inputs = (int) shape[1];
        int k = (int) shape[2];
        int inSize = input.size;
        int outSize = inSize + 2 * padding - k + 1;
        float[] out = new float[outputs * outSize * outSize];
        double[] accumulator = new double[outSize * outSize];
        for (int o = 0; o < outputs; o++) {
            java.util.Arrays.fill(accumulator, bias == null ? 0 : bias[o]);
            for (int c = 0; c < inputs; c++) {
                int plane = c * inSize * inSize;
                for (int ky = 0; ky < k; ky++) {
                    for (int kx = 0; kx < k; kx++) {
                        double w = weight[((o * inputs + c) * k + ky) * k + kx];
                        for (int y = 0; y < outSize; y++) {
                            int sourceY = y + ky - padding;
                            if (sourceY < 0 || sourceY >= inSize) {
                                continue;
                            }
                            int row = plane + sourceY * inSize;
                            int xStart = Math.max(0, padding - kx);
                            int xEnd = Math.min(outSize, inSize + padding - kx);
                            for (int x = xStart; x < xEnd; x++) {
                                accumulator[y * outSize + x] += w * input.values[row + x + kx - padding];
                            }
                        }
                    }
                }
            }
            for (int i = 0; i < accumulator.length; i++) {
                out[o * outSize * outSize + i] = (float) accumulator[i];
            }
        }
        return new FeatureMap(out, outputs, outSize);
    }

    private static FeatureMap maxPool(FeatureMap input, int window) {
        int outSize = input.size / window;
        float[] out = new float[input.channels * outSize * outSize];
        for (int c = 0; c < input.channels; c++) {
            for (int y = 0; y < outSize; y++) {
                for (int x = 0; x < outSize; x++) {
                    float max = Float.NEGATIVE_INFINITY;
                    for (int dy = 0; dy < window; dy++) {
                        for (int dx = 0; dx < window; dx++) {
                            int index = (c * input.size + y * window + dy) * input.size + x * window + dx;
                            max = Math.max(max, input.values[index]);
                        }
                    }
                    out[(c * outSize + y) * outSize + x] = max;
                }
            }
        }
        return new FeatureMap(out, input.channels, outSize);
    }

    /** The maximum of each channel over the whole map. */
    private static FeatureMap globalMaxPool(FeatureMap input) {
        int plane = input.size * input.size;
        float[] out = new float[input.channels];
        for (int c = 0; c < input.channels; c++) {
            float max = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < plane; i++) {
                max = Math.max(max, input.values[c * plane + i]);
            }
            out[c] = max;
        }
        return new FeatureMap(out, input.channels, 1);
    }

    /** Eval-mode batchnorm: (x − running mean) / √(running var + eps) · scale + shift. */
    private void batchNorm(FeatureMap map, String norm) {
        float[] mean = tensor(norm + ".running_mean");
        float[] variance = tensor(norm + ".running_var");
        float[] scale = optional(norm + ".weight");
        float[] shift = tensor(norm + ".bias");
        int plane = map.size * map.size;
        for (int c = 0; c < map.channels; c++) {
            double denominator = Math.sqrt((double) variance[c] + eps);
            double gamma = scale == null ? 1 : scale[c];
            for (int i = 0; i < plane; i++) {
                int at = c * plane + i;
                map.values[at] = (float) ((map.values[at] - mean[c]) / denominator * gamma + shift[c]);
            }
        }
    }

    private void activate(FeatureMap map) {
        float[] v = map.values;
        for (int i = 0; i < v.length; i++) {
            double x = v[i];
            v[i] = (float) switch (activation) {
                case "gelu" -> 0.5 * x * (1 + Erf.erf(x / Math.sqrt(2)));
                case "relu" -> Math.max(0, x);
                case "celu" -> Math.max(0, x) + Math.min(0, alpha * (Math.exp(x / alpha) - 1));
                case "silu" -> x / (1 + Math.exp(-x));
                case "identity" -> x;
                default -> throw new IllegalArgumentException("no reference for activation " + activation);
            };
        }
    }

    private float[] tensor(String name) {
        float[] values = optional(name);
        if (values == null) {
            throw new IllegalArgumentException("the checkpoint has no tensor " + name + "; is it of this family?");
        }
        return values;
    }

    private float[] optional(String name) {
        return checkpoint.tensors().containsKey(name) ? checkpoint.tensors().get(name).values() : null;
    }

    static float[] mirror(float[] images, int count, int channels, int size) {
        float[] result = new float[images.length];
        for (int row = 0; row < count * channels * size; row++) {
            for (int x = 0; x < size; x++) {
                result[row * size + x] = images[row * size + size - 1 - x];
            }
        }
        return result;
    }

    /** PyTorch's reflect padding: the border pixel is not repeated (index -1 maps to 1). */
    static float[] reflectPad(float[] images, int count, int channels, int size, int pad) {
        int paddedSize = size + 2 * pad;
        float[] result = new float[count * channels * paddedSize * paddedSize];
        for (int plane = 0; plane < count * channels; plane++) {
            for (int y = 0; y < paddedSize; y++) {
                int sourceY = reflect(y - pad, size);
                for (int x = 0; x < paddedSize; x++) {
                    result[(plane * paddedSize + y) * paddedSize + x] =
                            images[(plane * size + sourceY) * size + reflect(x - pad, size)];
                }
            }
        }
        return result;
    }

    private static int reflect(int index, int size) {
        if (index < 0) {
            return -index;
        }
        return index >= size ? 2 * (size - 1) - index : index;
    }

    /** The size×size window at (offset, offset) of each padded plane. */
    static float[] crop(float[] padded, int count, int channels, int paddedSize, int offset, int size) {
        float[] result = new float[count * channels * size * size];
        for (int plane = 0; plane < count * channels; plane++) {
            for (int y = 0; y < size; y++) {
                System.arraycopy(padded, (plane * paddedSize + y + offset) * paddedSize + offset,
                        result, (plane * size + y) * size, size);
            }
        }
        return result;
    }
}
