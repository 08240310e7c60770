package dev.lightspeed.export;

import dev.lightspeed.models.ArchitectureSpec;
import dev.lightspeed.models.Checkpoint;
import dev.lightspeed.models.Normalization;
import dev.lightspeed.models.Presets;
import dev.lightspeed.models.Recipe;
import dev.lightspeed.models.TensorData;
import dev.lightspeed.models.layers.Layer;
import dev.lightspeed.models.layers.TensorSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Checkpoints with random weights scaled so that activations stay of order one through the network (so that a
 * logit mismatch cannot hide in tiny numbers), batchnorm statistics that are far from the identity, and learned
 * batchnorm scales of either sign (about one in four negative).
 */
public final class RandomCheckpoints {

    private RandomCheckpoints() {
    }

    public static Checkpoint airbench94(long seed) {
        return of(Presets.named(ArchitectureSpec.AIRBENCH94), seed);
    }

    /** The network of the resnet9 preset at 1/8 of its widths (8, 16, 32, 64 channels). */
    public static Recipe smallResnet9() {
        return Presets.named("resnet9").with("width-scale", "0.125");
    }

    /** airbench94 at 1/4 of its widths (16, 64, 64 channels). */
    public static Recipe smallAirbench() {
        return Presets.named(ArchitectureSpec.AIRBENCH94).with("width-scale", "0.25");
    }

    /** airbench94 at 1/4 of its widths with ReLU and its whitening stem replaced by a plain conv with a bias. */
    public static Recipe ablatedAirbench() {
        return smallAirbench().with("activation", "relu").with("whitening", "off");
    }

    /** airbench94 at 1/4 of its widths, its batchnorms learning their scales. */
    public static Recipe learnedScaleAirbench() {
        return smallAirbench().with("batchnorm-scale", "learned");
    }

    /** A checkpoint of the recipe's network. */
    public static Checkpoint of(Recipe recipe, long seed) {
        return of(recipe.architecture(), recipe, seed);
    }

    /** A checkpoint of {@code spec}, recorded as trained by the default recipe. */
    public static Checkpoint of(ArchitectureSpec spec, long seed) {
        return of(spec, Presets.named(Presets.DEFAULT), seed);
    }

    private static Checkpoint of(ArchitectureSpec spec, Recipe recipe, long seed) {
        Random random = new Random(seed);
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        for (TensorSpec tensor : spec.tensors()) {
            tensors.put(tensor.name(), new TensorData(tensor.shape(), values(tensor, spec, random)));
        }
        return new Checkpoint(spec, recipe, numbered(spec), normalization(spec), seed, 8, 0.9401, 2, tensors);
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

    private static float[] values(TensorSpec tensor, ArchitectureSpec spec, Random random) {
        String name = tensor.name();
        long[] shape = tensor.shape();
        double headScale = ((Layer.Linear) spec.layers().get(spec.layers().size() - 1)).scale();
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
            } else if (tensor.role() == TensorSpec.Role.HEAD) {
                v[i] = (float) (gaussian / headScale / Math.sqrt(fanIn));
            } else if (shape.length == 1) {
                // A learned batchnorm scale: of order one, negative for about a quarter of the channels.
                v[i] = (float) ((u < 0.25 ? -1 : 1) * (0.5 + Math.abs(gaussian) * 0.5));
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
