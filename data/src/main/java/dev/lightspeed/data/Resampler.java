package dev.lightspeed.data;

/**
 * Resizes float image planes with a triangle (bilinear) filter whose support widens with the reduction factor,
 * so that every source pixel contributes when shrinking (no aliasing, unlike plain bilinear sampling) and
 * enlarging interpolates smoothly. Separable: rows first, then columns.
 */
final class Resampler {

    private Resampler() {
    }

    /** {@code planes} planes of {@code width × height}, row-major and consecutive, resized to the target size. */
    static float[] resize(float[] pixels, int planes, int width, int height, int targetWidth, int targetHeight) {
        Filter horizontal = Filter.of(width, targetWidth);
        Filter vertical = Filter.of(height, targetHeight);
        float[] rowsDone = new float[planes * height * targetWidth];
        for (int plane = 0; plane < planes; plane++) {
            for (int y = 0; y < height; y++) {
                int source = (plane * height + y) * width;
                int target = (plane * height + y) * targetWidth;
                for (int x = 0; x < targetWidth; x++) {
                    rowsDone[target + x] = horizontal.apply(x, pixels, source, 1);
                }
            }
        }
        float[] result = new float[planes * targetHeight * targetWidth];
        for (int plane = 0; plane < planes; plane++) {
            for (int y = 0; y < targetHeight; y++) {
                for (int x = 0; x < targetWidth; x++) {
                    result[(plane * targetHeight + y) * targetWidth + x] =
                            vertical.apply(y, rowsDone, plane * height * targetWidth + x, targetWidth);
                }
            }
        }
        return result;
    }

    /** Per output index, the first source index it reads and the normalized weights of the source pixels. */
    private record Filter(int[] first, double[][] weights) {

        static Filter of(int sourceSize, int targetSize) {
            double scale = (double) sourceSize / targetSize;
            double radius = Math.max(scale, 1.0);
            int[] first = new int[targetSize];
            double[][] weights = new double[targetSize][];
            for (int i = 0; i < targetSize; i++) {
                double center = (i + 0.5) * scale;
                int from = Math.max(0, (int) Math.floor(center - radius));
                int to = Math.min(sourceSize, (int) Math.ceil(center + radius));
                double[] w = new double[to - from];
                double sum = 0;
                for (int j = from; j < to; j++) {
                    double distance = Math.abs(j + 0.5 - center) / radius;
                    w[j - from] = Math.max(0, 1 - distance);
                    sum += w[j - from];
                }
                if (sum == 0) {
                    // Only when the source is one pixel wide: take it.
                    w = new double[] {1};
                    from = Math.min(Math.max(0, (int) center), sourceSize - 1);
                    sum = 1;
                }
                for (int k = 0; k < w.length; k++) {
                    w[k] /= sum;
                }
                first[i] = from;
                weights[i] = w;
            }
            return new Filter(first, weights);
        }

        float apply(int index, float[] pixels, int offset, int stride) {
            double value = 0;
            double[] w = weights[index];
            int position = offset + first[index] * stride;
            for (double weight : w) {
                value += weight * pixels[position];
                position += stride;
            }
            return (float) value;
        }
    }
}
