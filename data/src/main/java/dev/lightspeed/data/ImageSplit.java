package dev.lightspeed.data;

import dev.lightspeed.models.ImageGeometry;

import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * A set of square images with their labels, kept as raw bytes (one byte per pixel value, a quarter of what a
 * float copy would cost). Each image is in CHW planar order (every pixel of the first channel, then the next,
 * each plane row-major), which is how libtorch and ONNX Runtime expect a batch of shape
 * {@code [count, channels, imageSize, imageSize]}.
 *
 * @param images    {@code count() * imageBytes()} pixel bytes (unsigned 0-255)
 * @param labels    one class index per image, 0 or more; the dataset's class names give their meaning
 * @param channels  colour planes per image
 * @param imageSize width and height of every image, in pixels
 */
public record ImageSplit(byte[] images, int[] labels, int channels, int imageSize) {

    public ImageSplit {
        if (channels < 1 || imageSize < 1) {
            throw new IllegalArgumentException("images need at least one channel and one pixel, got "
                    + ImageGeometry.describe(channels, imageSize));
        }
        long expected = (long) labels.length * channels * imageSize * imageSize;
        if (images.length != expected) {
            throw new IllegalArgumentException("images holds " + images.length + " bytes, expected " + labels.length
                    + " images of " + ImageGeometry.describe(channels, imageSize));
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0) {
                throw new IllegalArgumentException("image " + i + " has the negative label " + labels[i]);
            }
        }
    }

    /** The shape of every image, as models state theirs. */
    public ImageGeometry geometry() {
        return new ImageGeometry(channels, imageSize);
    }

    /** Number of images. */
    public int count() {
        return labels.length;
    }

    /** Bytes of one channel of one image. */
    public int planeBytes() {
        return imageSize * imageSize;
    }

    /** Bytes of one image, all channels. */
    public int imageBytes() {
        return channels * planeBytes();
    }

    /** {@code channels×imageSize×imageSize}, as messages print it. */
    public String imageShape() {
        return geometry().toString();
    }

    /** The class index of image {@code index}. */
    public int label(int index) {
        return labels[checkedIndex(index)];
    }

    /** One pixel value (0-255) of one channel of image {@code index}. */
    public int pixel(int index, int channel, int row, int column) {
        if (channel < 0 || channel >= channels || row < 0 || row >= imageSize || column < 0 || column >= imageSize) {
            throw new IndexOutOfBoundsException("pixel (" + channel + ", " + row + ", " + column + ") is outside "
                    + imageShape());
        }
        return Byte.toUnsignedInt(
                images[checkedIndex(index) * imageBytes() + channel * planeBytes() + row * imageSize + column]);
    }

    /** The first {@code n} images, copied; handy for quick runs and tests. */
    public ImageSplit head(int n) {
        if (n < 0 || n > count()) {
            throw new IllegalArgumentException("head(" + n + ") of a split with " + count() + " images");
        }
        return new ImageSplit(Arrays.copyOf(images, n * imageBytes()), Arrays.copyOf(labels, n), channels,
                imageSize);
    }

    /**
     * {@code images} of this split's images spread evenly over it (the i-th of them is image i × count / images,
     * so that classes keep their usual proportions), as NCHW float pixel batches in [0, 1] of at most
     * {@code batch} images, converted as they are iterated. What an int8 export calibrates on.
     */
    public Iterable<float[]> evenlySpread(int images, int batch) {
        if (images < 1 || images > count() || batch < 1) {
            throw new IllegalArgumentException("cannot spread " + images + " of " + count() + " images in batches of "
                    + batch);
        }
        int imageBytes = imageBytes();
        return () -> new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < images;
            }

            @Override
            public float[] next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                int size = Math.min(batch, images - next);
                float[] pixels = new float[size * imageBytes];
                for (int i = 0; i < size; i++) {
                    Pixels.toUnitRange(ImageSplit.this.images, imageBytes, spreadIndex(next + i, images, count()), 1,
                            pixels, i * imageBytes);
                }
                next += size;
                return pixels;
            }
        };
    }

    /** The i-th of n indices spread evenly over 0 .. total − 1. */
    static int spreadIndex(int i, int n, int total) {
        return (int) ((long) i * total / n);
    }

    /** The images at {@code indices}, in that order, copied. */
    public ImageSplit select(int[] indices) {
        int bytes = imageBytes();
        byte[] selected = new byte[indices.length * bytes];
        int[] selectedLabels = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(images, checkedIndex(indices[i]) * bytes, selected, i * bytes, bytes);
            selectedLabels[i] = labels[indices[i]];
        }
        return new ImageSplit(selected, selectedLabels, channels, imageSize);
    }

    /** The largest label, or -1 when the split is empty. */
    public int maxLabel() {
        int max = -1;
        for (int label : labels) {
            max = Math.max(max, label);
        }
        return max;
    }

    private int checkedIndex(int index) {
        if (index < 0 || index >= count()) {
            throw new IndexOutOfBoundsException("image " + index + " of a split with " + count() + " images");
        }
        return index;
    }

    // Records compare arrays by identity; value semantics are what a data holder needs.
    @Override
    public boolean equals(Object other) {
        return other instanceof ImageSplit split
                && channels == split.channels
                && imageSize == split.imageSize
                && Arrays.equals(labels, split.labels)
                && Arrays.equals(images, split.images);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(labels) + 7 * channels + imageSize;
    }

    @Override
    public String toString() {
        return "ImageSplit[count=" + count() + ", " + imageShape() + "]";
    }
}
