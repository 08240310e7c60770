package dev.lightspeed.export;

import dev.lightspeed.models.ArchitectureSpec;
import dev.lightspeed.models.Checkpoint;

/**
 * The trained network in eval mode, written out plainly from the checkpoint's own tensors (no folding), in
 * float32 with double accumulation: the independent answer exported graphs are checked against. Images are
 * NCHW float32 pixels in [0, 1].
 */
public final class ReferenceNetwork {

    private final Checkpoint checkpoint;
    private final ArchitectureSpec spec;

    public ReferenceNetwork(Checkpoint checkpoint) {
        this.checkpoint = checkpoint;
        this.spec = checkpoint.architecture();
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
        map = conv(map, ArchitectureSpec.WHITEN_WEIGHT, tensor(ArchitectureSpec.WHITEN_BIAS), 0);
        gelu(map);
        for (int g = 0; g < spec.groups(); g++) {
            map = conv(map, ArchitectureSpec.conv(g, 1), null, 1);
            map = maxPool(map, 2);
            batchNorm(map, g, 1);
            gelu(map);
            map = conv(map, ArchitectureSpec.conv(g, 2), null, 1);
            batchNorm(map, g, 2);
            gelu(map);
        }
        map = maxPool(map, spec.finalPool());
        float[] head = tensor(ArchitectureSpec.HEAD_WEIGHT);
        int features = map.channels;
        float[] logits = new float[spec.numClasses()];
        for (int k = 0; k < logits.length; k++) {
            double sum = 0;
            for (int j = 0; j < features; j++) {
                sum += (double) head[k * features + j] * map.values[j];
            }
            logits[k] = (float) ((float) sum / spec.logitDivisor());
        }
        return logits;
    }

    /** One image's feature map, CHW. */
    private record FeatureMap(float[] values, int channels, int size) {
    }

    private FeatureMap conv(FeatureMap input, String weightName, float[] bias, int padding) {
        long[] shape = checkpoint.tensors().get(weightName).shape();
        float[] weight = tensor(weightName);
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

    private void batchNorm(FeatureMap map, int group, int index) {
        float[] mean = tensor(ArchitectureSpec.normMean(group, index));
        float[] variance = tensor(ArchitectureSpec.normVar(group, index));
        float[] bias = tensor(ArchitectureSpec.normBias(group, index));
        int plane = map.size * map.size;
        for (int c = 0; c < map.channels; c++) {
            double denominator = Math.sqrt((double) variance[c] + spec.batchNormEps());
            for (int i = 0; i < plane; i++) {
                int at = c * plane + i;
                map.values[at] = (float) ((map.values[at] - mean[c]) / denominator + bias[c]);
            }
        }
    }

    private static void gelu(FeatureMap map) {
        float[] v = map.values;
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (0.5 * v[i] * (1 + Erf.erf(v[i] / Math.sqrt(2))));
        }
    }

    private float[] tensor(String name) {
        return checkpoint.tensors().get(name).values();
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
