package dev.lightspeed.models;

/**
 * The images a model takes: {@code channels} planes of {@code size × size} pixels, NCHW.
 *
 * @param channels colour planes (3 for RGB)
 * @param size     height and width in pixels
 */
public record ImageGeometry(int channels, int size) {

    public ImageGeometry {
        if (channels < 1 || size < 1) {
            throw new IllegalArgumentException("an image needs at least one channel and one pixel, got "
                    + describe(channels, size));
        }
    }

    /** The input of a network of this architecture. */
    public static ImageGeometry of(ArchitectureSpec architecture) {
        return new ImageGeometry(architecture.inputChannels(), architecture.imageSize());
    }

    /** Values per image. */
    public int values() {
        return channels * size * size;
    }

    /** As the shape of a batch: [N, channels, size, size]. */
    public String batchShape() {
        return "[N, " + channels + ", " + size + ", " + size + "]";
    }

    @Override
    public String toString() {
        return describe(channels, size);
    }

    /** {@code channels×size×size}, the one way messages print an image shape, valid or not. */
    public static String describe(int channels, int size) {
        return channels + "×" + size + "×" + size;
    }
}
