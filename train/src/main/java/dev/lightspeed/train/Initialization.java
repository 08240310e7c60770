package dev.lightspeed.train;

import dev.lightspeed.models.ArchitectureSpec;
import dev.lightspeed.models.TensorData;
import dev.lightspeed.models.layers.TensorSpec;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Initial weights, drawn on the host from a seeded generator so that a seed means the same network on every
 * device: each tensor as its {@link TensorSpec.Init} says, in the spec's tensor order, all from the one generator
 * (zeros and ones draw nothing). Filters, conv biases and the head follow PyTorch's defaults (uniform ±1/√fan_in);
 * Dirac filters then pass their first input channels through, and a unit-std head is rescaled to unit standard
 * deviation.
 */
final class Initialization {

    private Initialization() {
    }

    static Map<String, TensorData> initialValues(ArchitectureSpec spec, SplittableRandom random) {
        Map<String, TensorData> values = new LinkedHashMap<>();
        for (TensorSpec t : spec.tensors()) {
            long[] shape = t.shape();
            float[] v = new float[(int) TensorData.elementCount(shape)];
            switch (t.init()) {
                case ZEROS:
                    break;
                case ONES:
                    Arrays.fill(v, 1f);
                    break;
                case UNIFORM:
                    uniform(v, t.bound(), random);
                    break;
                case DIRAC:
                    uniform(v, t.bound(), random);
                    dirac(v, shape);
                    break;
                case UNIT_STD:
                    uniform(v, t.bound(), random);
                    scaleToUnitStd(v);
                    break;
                default:
                    throw new IllegalStateException("no initialization " + t.init());
            }
            values.put(t.name(), new TensorData(shape, v));
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
            Arrays.fill(v, o * filter, (o + 1) * filter, 0f);
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
