package dev.lightspeed.export;

import dev.lightspeed.models.ArchitectureSpec;
import dev.lightspeed.models.Checkpoint;
import dev.lightspeed.models.Normalization;
import dev.lightspeed.models.Presets;
import dev.lightspeed.models.TensorData;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Checkpoints with random weights scaled so that activations stay of order one through the network (so that a
 * logit mismatch cannot hide in tiny numbers), and batchnorm statistics that are far from the identity.
 */
public final class RandomCheckpoints {

    private RandomCheckpoints() {
    }

    public static Checkpoint airbench94(long seed) {
        return of(ArchitectureSpec.airbench94(), seed);
    }

    public static Checkpoint of(ArchitectureSpec spec, long seed) {
        Random random = new Random(seed);
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> entry : spec.tensorShapes().entrySet()) {
            String name = entry.getKey();
            long[] shape = entry.getValue();
            tensors.put(name, new TensorData(shape, values(name, shape, spec, random)));
        }
        return new Checkpoint(spec, Presets.named(Presets.DEFAULT), numbered(spec), normalization(spec), seed, 8,
                0.9401, 2, tensors);
    }

    /** Random pixels in [0, 1], NCHW, shaped for {@link #airbench94}. */
    public static float[] images(int count, long seed) {
        ArchitectureSpec spec = ArchitectureSpec.airbench94();
        Random random = new Random(seed);
        float[] images = new float[count * spec.inputChannels() * spec.imageSize() * spec.imageSize()];
        for (int i = 0; i < images.length; i++) {
            images[i] = random.nextFloat();
        }
        return images;
    }

    private static float[] values(String name, long[] shape, ArchitectureSpec spec, Random random) {
        float[] v = new float[(int) TensorData.elementCount(shape)];
        long fanIn = shape.length > 1 ? TensorData.elementCount(shape) / shape[0] : 1;
        for (int i = 0; i < v.length; i++) {
            double u = random.nextDouble();
            double gaussian = random.nextGaussian();
            if (name.endsWith("running_var")) {
                v[i] = (float) (0.3 + 1.7 * u);
            } else if (name.endsWith("running_mean")) {
                v[i] = (float) (0.6 * u - 0.1);
            } else if (name.endsWith(".bias")) {
                v[i] = (float) (0.6 * u - 0.3);
            } else if (name.equals(ArchitectureSpec.HEAD_WEIGHT)) {
                v[i] = (float) (gaussian * spec.logitDivisor() / Math.sqrt(fanIn));
            } else {
                v[i] = (float) (gaussian * Math.sqrt(2.0 / fanIn));
            }
        }
        return v;
    }

    private static List<String> numbered(ArchitectureSpec spec) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < spec.numClasses(); i++) {
            names.add("class" + i);
        }
        return names;
    }

    /** A different mean and deviation per channel, so that a channel mix-up shows. */
    private static Normalization normalization(ArchitectureSpec spec) {
        List<Double> mean = new ArrayList<>();
        List<Double> std = new ArrayList<>();
        for (int c = 0; c < spec.inputChannels(); c++) {
            mean.add(0.45 + 0.02 * c);
            std.add(0.22 + 0.03 * c);
        }
        return new Normalization(mean, std);
    }

    /** The same checkpoint with one tensor replaced. */
    public static Checkpoint with(Checkpoint checkpoint, String name, TensorData tensor) {
        Map<String, TensorData> tensors = new LinkedHashMap<>(checkpoint.tensors());
        tensors.put(name, tensor);
        return new Checkpoint(checkpoint.architecture(), checkpoint.recipe(), checkpoint.classes(),
                checkpoint.normalization(), checkpoint.seed(), checkpoint.epoch(), checkpoint.accuracy(),
                checkpoint.ttaLevel(), tensors);
    }
}
