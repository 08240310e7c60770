package dev.lightspeed.data;

import java.util.Arrays;

/**
 * A set of CIFAR-10 images with their labels, kept as raw bytes so that 50,000 images cost 150 MB instead of the
 * 600 MB a float copy would. Each image is in CHW planar order (the red plane, then green, then blue, each 32x32
 * row-major), which is exactly how the binary files store it and how libtorch expects a tensor of shape
 * [count, 3, 32, 32].
 *
 * @param images {@code count * IMAGE_BYTES} pixel bytes (unsigned 0-255)
 * @param labels {@code count} class indices 0-9, see {@code CifarClasses.NAMES}
 * @param count  number of images
 */
public record CifarSplit(byte[] images, byte[] labels, int count) {

    public static final int IMAGE_SIZE = 32;
    public static final int CHANNELS = 3;
    public static final int PLANE_BYTES = IMAGE_SIZE * IMAGE_SIZE;
    public static final int IMAGE_BYTES = CHANNELS * PLANE_BYTES;
    /** One label byte followed by the image. */
    public static final int RECORD_BYTES = 1 + IMAGE_BYTES;

    public CifarSplit {
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative: " + count);
        }
        if (images.length != (long) count * IMAGE_BYTES) {
            throw new IllegalArgumentException(
                    "images holds " + images.length + " bytes, expected " + count + " * " + IMAGE_BYTES);
        }
        if (labels.length != count) {
            throw new IllegalArgumentException("labels holds " + labels.length + " bytes, expected " + count);
        }
    }

    /** The class index (0-9) of image {@code index}. */
    public int label(int index) {
        return labels[checkedIndex(index)];
    }

    /** One pixel value (0-255); channel 0 is red, 1 green, 2 blue. */
    public int pixel(int index, int channel, int row, int column) {
        if (channel < 0 || channel >= CHANNELS || row < 0 || row >= IMAGE_SIZE || column < 0 || column >= IMAGE_SIZE) {
            throw new IndexOutOfBoundsException(
                    "pixel (" + channel + ", " + row + ", " + column + ") is outside 3x32x32");
        }
        return Byte.toUnsignedInt(
                images[checkedIndex(index) * IMAGE_BYTES + channel * PLANE_BYTES + row * IMAGE_SIZE + column]);
    }

    /** The first {@code n} images, copied; handy for quick runs and tests. */
    public CifarSplit head(int n) {
        if (n < 0 || n > count) {
            throw new IllegalArgumentException("head(" + n + ") of a split with " + count + " images");
        }
        return new CifarSplit(Arrays.copyOf(images, n * IMAGE_BYTES), Arrays.copyOf(labels, n), n);
    }

    private int checkedIndex(int index) {
        if (index < 0 || index >= count) {
            throw new IndexOutOfBoundsException("image " + index + " of a split with " + count + " images");
        }
        return index;
    }

    // Records compare arrays by identity; value semantics are what a data holder needs.
    @Override
    public boolean equals(Object other) {
        return other instanceof CifarSplit split
                && count == split.count
                && Arrays.equals(labels, split.labels)
                && Arrays.equals(images, split.images);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(labels) + count;
    }

    @Override
    public String toString() {
        return "CifarSplit[count=" + count + "]";
    }
}
