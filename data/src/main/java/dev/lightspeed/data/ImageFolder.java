package dev.lightspeed.data;

import dev.lightspeed.models.DatasetInfo;
import dev.lightspeed.models.ImageGeometry;
import dev.lightspeed.models.InputError;

import java.nio.file.Path;
import java.util.List;

import static dev.lightspeed.data.UserMessages.count;

/**
 * Reads a dataset of photos in class folders ({@link ImageFolderLayout}: {@code DIR/train/<class>/} and
 * {@code DIR/val/<class>/} or {@code DIR/test/<class>/}): every image is decoded, scaled so that its shorter side
 * is the image size, and centre-cropped to a square. The evaluation folder becomes the dataset's test split. The
 * normalization is measured on the training images. Decoded images are cached ({@link ImageFolderCache}), so only
 * the first run over a folder, or the first after it changed, pays for decoding.
 */
public final class ImageFolder {

    public static final int MIN_IMAGE_SIZE = 8;
    public static final int MAX_IMAGE_SIZE = 512;
    /** The side the images are brought to when none is asked for. */
    public static final int DEFAULT_IMAGE_SIZE = 64;
    private static final int CHANNELS = 3;

    private ImageFolder() {
    }

    /**
     * The dataset of {@code dir} at {@code imageSize × imageSize} pixels, from the cache in {@code cacheFolder}
     * when it is current (no progress is reported then), else decoded with progress in images and cached.
     */
    public static Dataset load(Path dir, int imageSize, Path cacheFolder, ProgressListener progress) {
        requireImageSize(imageSize);
        ImageFolderLayout layout = ImageFolderLayout.scan(dir);
        requireFitsInMemory(layout, imageSize);
        ImageFolderCache cache = ImageFolderCache.of(layout, imageSize, cacheFolder);
        ImageFolderCache.Splits splits = cache.read(layout, imageSize).orElseGet(() -> {
            List<ImageSplit> decoded = ImageFolderDecoder.decode(layout.root(),
                    List.of(layout.train(), layout.evaluation()), imageSize, progress);
            ImageFolderCache.Splits fresh = new ImageFolderCache.Splits(decoded.get(0), decoded.get(1));
            cache.write(layout, fresh);
            return fresh;
        });
        DatasetInfo info = new DatasetInfo(name(layout.root()), layout.classes(), CHANNELS, imageSize,
                PixelStatistics.normalization(splits.train()));
        return new Dataset(info, splits.train(), splits.evaluation());
    }

    /** {@code ~/.cache/lightspeed/image-folders}. */
    public static Path defaultCacheFolder() {
        return Path.of(System.getProperty("user.home"), ".cache", "lightspeed", "image-folders").toAbsolutePath()
                .normalize();
    }

    /** True when {@code dir} has the layout's mark, a {@code train/} folder. */
    public static boolean looksLikeImageFolder(Path dir) {
        return ImageFolderLayout.looksLikeImageFolder(dir);
    }

    /** Refuses sizes outside {@value #MIN_IMAGE_SIZE}..{@value #MAX_IMAGE_SIZE} pixels. */
    public static void requireImageSize(int imageSize) {
        if (imageSize < MIN_IMAGE_SIZE || imageSize > MAX_IMAGE_SIZE) {
            throw InputError.in("image-size", "image-size " + imageSize + " is out of range; pass " + MIN_IMAGE_SIZE
                    + " to " + MAX_IMAGE_SIZE + " pixels");
        }
    }

    private static void requireFitsInMemory(ImageFolderLayout layout, int imageSize) {
        long imageBytes = new ImageGeometry(CHANNELS, imageSize).values();
        for (List<ImageFolderLayout.ImageFile> split : List.of(layout.train(), layout.evaluation())) {
            if (split.size() * imageBytes > Integer.MAX_VALUE - 8) {
                throw InputError.in("image-size", "image-size " + imageSize + " is too large for " + layout.root()
                        + ", which holds " + count(split.size()) + " images in one split, more than fit at "
                        + ImageGeometry.describe(CHANNELS, imageSize) + "; pass a smaller one");
            }
        }
    }

    private static String name(Path root) {
        return root.getFileName() == null ? "images" : root.getFileName().toString();
    }
}
