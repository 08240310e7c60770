package dev.lightspeed.data;

import dev.lightspeed.models.InputError;

import java.nio.file.Path;

/**
 * Which dataset to read and how, as the command line states it.
 *
 * @param kind        the kind of dataset
 * @param folder      where it is
 * @param labels      CIFAR-100's labels; null means fine, and only fine fits the other kinds
 * @param imageSize   the side images are brought to: 0 for the dataset's own (CIFAR: 32) or
 *                    {@link ImageFolder#DEFAULT_IMAGE_SIZE} for folders; CIFAR accepts only 0 or 32
 * @param cacheFolder where decoded image folders are cached; null means {@link ImageFolder#defaultCacheFolder()}
 */
public record DataRequest(DatasetKind kind, Path folder, Cifar100.Labels labels, int imageSize, Path cacheFolder) {

    private static final int CIFAR_IMAGE_SIZE = 32;

    public DataRequest {
        if (kind == null || folder == null) {
            throw new IllegalArgumentException("a data request needs a kind and a folder");
        }
        labels = labels == null ? Cifar100.Labels.FINE : labels;
        if (labels != Cifar100.Labels.FINE && kind != DatasetKind.CIFAR100) {
            throw InputError.in("labels", "labels applies to cifar100 only; leave it out for " + kind.optionValue());
        }
        if (kind == DatasetKind.FOLDER) {
            imageSize = imageSize == 0 ? ImageFolder.DEFAULT_IMAGE_SIZE : imageSize;
            ImageFolder.requireImageSize(imageSize);
        } else if (imageSize != 0 && imageSize != CIFAR_IMAGE_SIZE) {
            throw InputError.in("image-size", "image-size " + imageSize + " does not apply to " + kind.optionValue()
                    + ", whose images are " + CIFAR_IMAGE_SIZE + "×" + CIFAR_IMAGE_SIZE + "; leave it out");
        }
        cacheFolder = cacheFolder == null ? ImageFolder.defaultCacheFolder() : cacheFolder;
    }

    /** The request for {@code kind} in {@code folder} with every default. */
    public static DataRequest of(DatasetKind kind, Path folder) {
        return new DataRequest(kind, folder, null, 0, null);
    }
}
