package dev.lightspeed.data;

import dev.lightspeed.models.Failures;
import dev.lightspeed.models.InputError;

import javax.imageio.ImageIO;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a PNG or JPEG file (any size; colour, grayscale, palette or CMYK; with or without alpha) as the model's
 * input: RGB planes of {@code size × size} floats in [0, 1]. Transparent pixels are composited over white, the
 * background an image viewer shows, before resizing.
 */
public final class ImageLoader {

    private ImageLoader() {
    }

    /**
     * The image as {@code size × size} RGB planes, keeping the aspect ratio: scaled so that its shorter side is
     * {@code size}, the central square kept, as image-folder datasets are prepared and models are fed. The central
     * square of the original is cut first and then resized, which is the same up to rounding and resizes fewer
     * pixels.
     *
     * @throws InputError naming the file when it is missing, unreadable or not an image
     */
    public static float[] load(Path file, int size) {
        return load(decode(file), size);
    }

    /** A decoded image as {@link #load(Path, int)} reads a file's: its central square as {@code size × size} RGB. */
    public static float[] load(BufferedImage image, int size) {
        int width = image.getWidth();
        int height = image.getHeight();
        int side = Math.min(width, height);
        if (side != width || side != height) {
            // A view of the square, not a copy: only its pixels are converted.
            image = image.getSubimage((width - side) / 2, (height - side) / 2, side, side);
        }
        float[] rgb = opaqueRgbPlanes(image);
        if (side == size) {
            return rgb;
        }
        return Resampler.resize(rgb, 3, side, side, size, size);
    }

    /**
     * A file that is no usable image. Its message advises passing PNG or JPEG files; {@link #problem} is the
     * sentence without that advice, for callers that give their own.
     */
    static final class UnreadableImage extends InputError {

        private static final long serialVersionUID = 1L;

        private final Path file;
        private final String problem;

        UnreadableImage(Path file, String problem, Throwable cause) {
            super(file + " " + problem + "; pass PNG or JPEG files", cause);
            this.file = file;
            this.problem = problem;
        }

        Path file() {
            return file;
        }

        /** What is wrong, such as {@code is not a PNG or JPEG image}. */
        String problem() {
            return problem;
        }
    }

    private static BufferedImage decode(Path file) {
        if (Files.isDirectory(file)) {
            throw new UnreadableImage(file, "is a folder, not an image", null);
        }
        if (!Files.isRegularFile(file)) {
            throw new UnreadableImage(file, "does not exist", null);
        }
        BufferedImage image;
        try {
            image = ImageIO.read(file.toFile());
        } catch (IOException | RuntimeException e) {
            // ImageIO throws for damaged files it recognized (and, for some, unchecked exceptions).
            throw new UnreadableImage(file, "cannot be decoded as an image (" + Failures.oneLine(e) + ")", e);
        }
        if (image == null) {
            throw new UnreadableImage(file, "is not a PNG or JPEG image", null);
        }
        if (image.getWidth() < 1 || image.getHeight() < 1) {
            throw new UnreadableImage(file, "is an empty image", null);
        }
        return image;
    }

    /**
     * RGB planes in [0, 1] with alpha already composited over white. Grayscale images are read from their raster:
     * Java treats their gray colour space as linear and would brighten them through {@code getRGB}, while PNG and
     * JPEG store gray with the same gamma as colour. CMYK JPEGs are read from their raster too, since
     * {@code getRGB} turns them black; the JPEG reader has already undone Adobe's inversion of the inks.
     */
    private static float[] opaqueRgbPlanes(BufferedImage image) {
        ColorModel colorModel = image.getColorModel();
        Raster raster = image.getRaster();
        if (colorModel.getColorSpace().getType() == ColorSpace.TYPE_CMYK && raster.getNumBands() == 4) {
            return cmykToRgbPlanes(raster, colorModel);
        }
        if (isOpaqueEightBitSrgb(colorModel, raster)) {
            return srgbPlanes(raster);
        }
        int width = image.getWidth();
        int height = image.getHeight();
        int plane = width * height;
        float[] rgb = new float[3 * plane];
        boolean gray = colorModel.getColorSpace().getType() == ColorSpace.TYPE_GRAY
                && colorModel.getNumColorComponents() == 1;
        float grayMax = gray ? (1 << colorModel.getComponentSize(0)) - 1 : 0;
        float alphaMax = gray && colorModel.hasAlpha() ? (1 << colorModel.getComponentSize(1)) - 1 : 0;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                float r;
                float g;
                float b;
                float alpha;
                if (gray) {
                    r = g = b = raster.getSample(x, y, 0) / grayMax;
                    alpha = colorModel.hasAlpha() ? raster.getSample(x, y, 1) / alphaMax : 1;
                } else {
                    int argb = image.getRGB(x, y);
                    alpha = (argb >>> 24) / 255f;
                    r = ((argb >> 16) & 0xff) / 255f;
                    g = ((argb >> 8) & 0xff) / 255f;
                    b = (argb & 0xff) / 255f;
                }
                int at = y * width + x;
                rgb[at] = overWhite(r, alpha);
                rgb[plane + at] = overWhite(g, alpha);
                rgb[2 * plane + at] = overWhite(b, alpha);
            }
        }
        return rgb;
    }

    /** Plain 8-bit RGB, what most JPEGs and PNGs decode to: the samples are the values {@code getRGB} would give. */
    private static boolean isOpaqueEightBitSrgb(ColorModel colorModel, Raster raster) {
        if (!(colorModel instanceof ComponentColorModel) || !colorModel.getColorSpace().isCS_sRGB()
                || colorModel.hasAlpha() || colorModel.getNumComponents() != 3 || raster.getNumBands() != 3) {
            return false;
        }
        for (int size : colorModel.getComponentSize()) {
            if (size != 8) {
                return false;
            }
        }
        return true;
    }

    /** Reads the raster a row at a time, several times faster than a colour conversion per pixel. */
    private static float[] srgbPlanes(Raster raster) {
        int width = raster.getWidth();
        int height = raster.getHeight();
        int plane = width * height;
        float[] rgb = new float[3 * plane];
        int[] row = new int[3 * width];
        for (int y = 0; y < height; y++) {
            raster.getPixels(raster.getMinX(), raster.getMinY() + y, width, 1, row);
            for (int x = 0; x < width; x++) {
                int at = y * width + x;
                rgb[at] = row[3 * x] / 255f;
                rgb[plane + at] = row[3 * x + 1] / 255f;
                rgb[2 * plane + at] = row[3 * x + 2] / 255f;
            }
        }
        return rgb;
    }

    /** The naive conversion without an ink profile: each channel is what its ink and the black ink leave. */
    private static float[] cmykToRgbPlanes(Raster raster, ColorModel colorModel) {
        int width = raster.getWidth();
        int height = raster.getHeight();
        int plane = width * height;
        float[] rgb = new float[3 * plane];
        float inkMax = (1 << colorModel.getComponentSize(0)) - 1;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                float keep = 1 - raster.getSample(x, y, 3) / inkMax;
                int at = y * width + x;
                for (int channel = 0; channel < 3; channel++) {
                    rgb[channel * plane + at] = (1 - raster.getSample(x, y, channel) / inkMax) * keep;
                }
            }
        }
        return rgb;
    }

    private static float overWhite(float value, float alpha) {
        return value * alpha + (1 - alpha);
    }
}
