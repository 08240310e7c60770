package dev.lightspeed.train;

import dev.lightspeed.models.ArchitectureSpec;
import dev.lightspeed.models.TensorData;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Initial weights, drawn on the host from a seeded generator so that a seed means the same network on every
 * device. Filters and head follow PyTorch's defaults (uniform ±1/√fan_in); each conv's first in-channel
 * filters start as the identity (Dirac), and the head is rescaled to unit standard deviation.
 */
final class Initialization {

    private Initialization() {
    }

    static Map<String, TensorData> initialValues(ArchitectureSpec spec, SplittableRandom random) {
        Map<String, TensorData> values = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : spec.tensorShapes().entrySet()) {
            String name = e.getKey();
            long[] shape = e.getValue();
            float[] v = new float[(int) TensorData.elementCount(shape)];
            if (name.equals(ArchitectureSpec.WHITEN_BIAS)) {
                uniform(v, 1 / Math.sqrt(spec.inputChannels() * spec.whiteningKernel() * spec.whiteningKernel()),
                        random);
            } else if (name.endsWith(".weight") && shape.length == 4 && !name.equals(ArchitectureSpec.WHITEN_WEIGHT)) {
                uniform(v, 1 / Math.sqrt(shape[1] * shape[2] * shape[3]), random);
                dirac(v, shape);
            } else if (name.equals(ArchitectureSpec.HEAD_WEIGHT)) {
                uniform(v, 1 / Math.sqrt(shape[1]), random);
                scaleToUnitStd(v);
            } else if (name.endsWith("running_var")) {
                java.util.Arrays.fill(v, 1f);
            }
            values.put(name, new TensorData(shape, v));
        }
        return values;
    }

    private static void uniform(float[] v, double bound, SplittableRandom random) {
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
        }
    }

    /** Filters 0..in-1 pass input channel i straight through: 1 at the kernel centre of channel i, 0 elsewhere. */
    static void dirac(float[] v, long[] shape) {
        int out = (int) shape[0];
        int in = (int) shape[1];
        int kh = (int) shape[2];
        int kw = (int) shape[3];
        int filter = in * kh * kw;
        for (int o = 0; o < Math.min(out, in); o++) {
            java.util.Arrays.fill(v, o * filter, (o + 1) * filter, 0f);
            v[o * filter + o * kh * kw + (kh / 2) * kw + kw / 2] = 1f;
        }
    }

    private static void scaleToUnitStd(float[] v) {
        double mean = 0;
        for (float x : v) {
            mean += x;
        }
        mean /= v.length;
        double var = 0;
        for (float x : v) {
            var += (x - mean) * (x - mean);
        }
        double std = Math.sqrt(var / (v.length - 1));
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (v[i] / std);
        }
    }
}
