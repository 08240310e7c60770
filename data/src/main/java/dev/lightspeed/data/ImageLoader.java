package dev.lightspeed.data;

import dev.lightspeed.models.Failures;
import dev.lightspeed.models.InputError;

import javax.imageio.ImageIO;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a PNG or JPEG file (any size, colour, grayscale, with or without alpha) as the model's input: RGB planes
 * of {@code size × size} floats in [0, 1]. Transparent pixels are composited over white, the background an image
 * viewer shows, before resizing.
 */
public final class ImageLoader {

    private ImageLoader() {
    }

    /**
     * @throws InputError naming the file when it is missing, unreadable or not an image
     */
    public static float[] load(Path file, int size) {
        BufferedImage image = decode(file);
        int width = image.getWidth();
        int height = image.getHeight();
        float[] rgb = opaqueRgbPlanes(image);
        if (width == size && height == size) {
            return rgb;
        }
        return Resampler.resize(rgb, 3, width, height, size, size);
    }

    private static BufferedImage decode(Path file) {
        if (Files.isDirectory(file)) {
            throw new InputError(file + " is a folder, not an image; pass PNG or JPEG files");
        }
        if (!Files.isRegularFile(file)) {
            throw new InputError(file + " does not exist; pass PNG or JPEG files");
        }
        BufferedImage image;
        try {
            image = ImageIO.read(file.toFile());
        } catch (IOException | RuntimeException e) {
            // ImageIO throws for damaged files it recognized (and, for some, unchecked exceptions).
            throw new InputError(file + " cannot be decoded as an image (" + Failures.oneLine(e)
                    + "); pass PNG or JPEG files", e);
        }
        if (image == null) {
            throw new InputError(file + " is not a PNG or JPEG image; pass PNG or JPEG files");
        }
        if (image.getWidth() < 1 || image.getHeight() < 1) {
            throw new InputError(file + " is an empty image; pass PNG or JPEG files");
        }
        return image;
    }

    /**
     * RGB planes in [0, 1] with alpha already composited over white. Grayscale images are read from their raster:
     * Java treats their gray colour space as linear and would brighten them through {@code getRGB}, while PNG and
     * JPEG store gray with the same gamma as colour.
     */
    private static float[] opaqueRgbPlanes(BufferedImage image) {
        int width = image.getWidth();
        int height = image.getHeight();
        int plane = width * height;
        float[] rgb = new float[3 * plane];
        ColorModel colorModel = image.getColorModel();
        boolean gray = colorModel.getColorSpace().getType() == ColorSpace.TYPE_GRAY
                && colorModel.getNumColorComponents() == 1;
        Raster raster = image.getRaster();
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

    private static float overWhite(float value, float alpha) {
        return value * alpha + (1 - alpha);
    }
}
