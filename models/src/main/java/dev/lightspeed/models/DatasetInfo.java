package dev.lightspeed.models;

import java.util.List;

/**
 * What a model must know about the dataset it is trained on and later scores: the class names in label order,
 * the shape of its square images, and the input normalization. It travels from the dataset reader through the
 * trainer into the checkpoint, so nothing downstream assumes one particular dataset.
 *
 * @param name          short name of the dataset, as users type it
 * @param classes       class names; label {@code i} is {@code classes.get(i)}
 * @param channels      colour planes per image (3 for RGB)
 * @param imageSize     width and height of every image, in pixels
 * @param normalization per-channel mean and standard deviation applied to pixels in [0, 1]
 */
public record DatasetInfo(String name, List<String> classes, int channels, int imageSize,
        Normalization normalization) {

    public DatasetInfo {
        classes = List.copyOf(classes);
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a dataset needs a name");
        }
        if (classes.isEmpty()) {
            throw new IllegalArgumentException("dataset " + name + " needs at least one class");
        }
        if (channels < 1 || imageSize < 1) {
            throw new IllegalArgumentException("dataset " + name + " has images of " + channels + " channels of "
                    + imageSize + " pixels; both must be positive");
        }
        if (normalization.channels() != channels) {
            throw new IllegalArgumentException("dataset " + name + " has " + channels + " channels but its "
                    + "normalization has " + normalization.channels());
        }
    }

    /** The shape of every image, as models state theirs. */
    public ImageGeometry geometry() {
        return new ImageGeometry(channels, imageSize);
    }

    public int numClasses() {
        return classes.size();
    }

    /** Bytes of one image stored as 8-bit pixel values. */
    public int imageBytes() {
        return channels * imageSize * imageSize;
    }

    /** The image shape as messages print it, for example {@code 1×28×28}. */
    public String imageShape() {
        return geometry().toString();
    }
}
