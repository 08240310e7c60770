package dev.lightspeed.infer;

/**
 * The trainer's test-time augmentation level 2 for a model that scores single views: each image, its mirror
 * image, the image shifted one pixel down-right and up-left (reflect padding), and their mirror images, combined
 * as logits = m(x)/2 + m(a)/4 + m(b)/4 with m(v) = (f(v) + f(mirror v)) / 2. Views are taken from raw pixels;
 * mirroring and reflect padding commute with the per-channel normalization inside the graph. The exporter's
 * TTA graph computes the same average.
 */
public final class TtaViews {

    public static final int LEVEL = 2;
    public static final int VIEW_COUNT = 6;
    /** Weight of each view's logits, in the order of {@link #views}. */
    private static final float[] WEIGHTS = {0.25f, 0.125f, 0.125f, 0.25f, 0.125f, 0.125f};

    private TtaViews() {
    }

    /**
     * The six views of {@code count} NCHW images of {@code channels × size × size}: image, shifted down-right,
     * shifted up-left, and the mirror image of each, in that order.
     */
    public static float[][] views(float[] pixels, int count, int channels, int size) {
        int planes = count * channels;
        float[] image = new float[planes * size * size];
        System.arraycopy(pixels, 0, image, 0, image.length);
        float[] downRight = shifted(pixels, planes, size, -1);
        float[] upLeft = shifted(pixels, planes, size, 1);
        return new float[][] {image, downRight, upLeft,
                mirrored(image, planes, size), mirrored(downRight, planes, size), mirrored(upLeft, planes, size)};
    }

    /** The weighted sum of the views' logits, each {@code count × classes}. */
    public static float[] combine(float[][] viewLogits, int count, int classes) {
        float[] result = new float[count * classes];
        for (int v = 0; v < VIEW_COUNT; v++) {
            for (int i = 0; i < result.length; i++) {
                result[i] += WEIGHTS[v] * viewLogits[v][i];
            }
        }
        return result;
    }

    /** Pixel (y, x) of the result is pixel (y + offset, x + offset) of the source, reflected at the borders. */
    private static float[] shifted(float[] pixels, int planes, int size, int offset) {
        float[] result = new float[planes * size * size];
        for (int plane = 0; plane < planes; plane++) {
            int base = plane * size * size;
            for (int y = 0; y < size; y++) {
                int sourceRow = base + reflect(y + offset, size) * size;
                for (int x = 0; x < size; x++) {
                    result[base + y * size + x] = pixels[sourceRow + reflect(x + offset, size)];
                }
            }
        }
        return result;
    }

    private static float[] mirrored(float[] pixels, int planes, int size) {
        float[] result = new float[pixels.length];
        for (int row = 0; row < planes * size; row++) {
            int base = row * size;
            for (int x = 0; x < size; x++) {
                result[base + x] = pixels[base + size - 1 - x];
            }
        }
        return result;
    }

    /** Reflect padding's index map: -1 → 1 and size → size - 2 (the border pixel is not repeated). */
    private static int reflect(int index, int size) {
        if (index < 0) {
            return -index;
        }
        return index >= size ? 2 * (size - 1) - index : index;
    }
}
