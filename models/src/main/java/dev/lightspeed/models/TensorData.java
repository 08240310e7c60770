package dev.lightspeed.models;

import java.util.Arrays;

/** A float32 tensor on the host: its shape and its values in row-major order. */
public record TensorData(long[] shape, float[] values) {

    public TensorData {
        if (elementCount(shape) != values.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + elementCount(shape)
                    + " values, got " + values.length);
        }
    }

    public static long elementCount(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    public boolean hasShape(long[] expected) {
        return Arrays.equals(shape, expected);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorData t && Arrays.equals(shape, t.shape) && Arrays.equals(values, t.values);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "TensorData" + Arrays.toString(shape);
    }
}
