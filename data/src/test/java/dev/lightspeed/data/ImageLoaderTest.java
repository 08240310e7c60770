package dev.lightspeed.data;

import dev.lightspeed.models.InputError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.WritableRaster;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageLoaderTest {

    private static final int SIZE = 32;
    private static final int PLANE = SIZE * SIZE;

    @TempDir
    Path folder;

    @Test
    void rgbImageOfModelSizeIsReadExactlyIntoPlanes() throws Exception {
        BufferedImage image = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                image.setRGB(x, y, (x * 8) << 16 | (y * 8) << 8 | 200);
            }
        }

        float[] pixels = ImageLoader.load(png(image, "rgb.png"), SIZE);

        assertEquals(3 * PLANE, pixels.length);
        assertEquals(5 * 8 / 255f, pixels[3 * SIZE + 5], 0f, "red of (x=5, y=3)");
        assertEquals(3 * 8 / 255f, pixels[PLANE + 3 * SIZE + 5], 0f, "green of (x=5, y=3)");
        assertEquals(200 / 255f, pixels[2 * PLANE + 3 * SIZE + 5], 0f, "blue");
    }

    @Test
    void grayscaleIsReplicatedWithoutGammaShift() throws Exception {
        BufferedImage image = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_BYTE_GRAY);
        fill(image.getRaster(), 0, 100);

        float[] pixels = ImageLoader.load(png(image, "gray.png"), SIZE);

        for (int c = 0; c < 3; c++) {
            assertEquals(100 / 255f, pixels[c * PLANE + 17], 1e-6f, "channel " + c);
        }
    }

    @Test
    void sixteenBitGrayscaleIsScaledToUnitRange() throws Exception {
        BufferedImage image = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_USHORT_GRAY);
        fill(image.getRaster(), 0, 49151);

        float[] pixels = ImageLoader.load(png(image, "gray16.png"), SIZE);

        assertEquals(49151 / 65535f, pixels[2 * PLANE + 40], 1e-6f);
    }

    @Test
    void transparentPixelsBecomeWhiteAndHalfTransparentBlend() throws Exception {
        BufferedImage image = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                image.setRGB(x, y, x < SIZE / 2 ? 0x00000000 : 0x80FF0000);
            }
        }

        float[] pixels = ImageLoader.load(png(image, "rgba.png"), SIZE);

        for (int c = 0; c < 3; c++) {
            assertEquals(1f, pixels[c * PLANE], 1e-6f, "fully transparent → white, channel " + c);
        }
        float alpha = 128 / 255f;
        assertEquals(1f, pixels[SIZE - 1], 1e-6f, "red over white stays 1");
        assertEquals(1 - alpha, pixels[PLANE + SIZE - 1], 1e-6f, "green over white");
        assertEquals(1 - alpha, pixels[2 * PLANE + SIZE - 1], 1e-6f, "blue over white");
    }

    @Test
    void grayscaleWithAlphaIsComposited() throws Exception {
        ComponentColorModel model = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_GRAY), true, false,
                Transparency.TRANSLUCENT, DataBuffer.TYPE_BYTE);
        WritableRaster raster = model.createCompatibleWritableRaster(SIZE, SIZE);
        fill(raster, 0, 0);
        fill(raster, 1, 51);
        BufferedImage image = new BufferedImage(model, raster, false, null);

        float[] pixels = ImageLoader.load(png(image, "gray-alpha.png"), SIZE);

        // Black at alpha 0.2 over white.
        assertEquals(0.8f, pixels[PLANE + 100], 1e-6f);
    }

    @Test
    void nonSquareImageIsResizedToModelSize() throws Exception {
        BufferedImage image = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 48; y++) {
            for (int x = 0; x < 64; x++) {
                image.setRGB(x, y, 0x336699);
            }
        }

        float[] pixels = ImageLoader.load(png(image, "wide.png"), SIZE);

        assertEquals(3 * PLANE, pixels.length);
        for (int i = 0; i < PLANE; i++) {
            assertEquals(0x33 / 255f, pixels[i], 1e-5f);
            assertEquals(0x66 / 255f, pixels[PLANE + i], 1e-5f);
            assertEquals(0x99 / 255f, pixels[2 * PLANE + i], 1e-5f);
        }
    }

    @Test
    void downscalingAveragesInsteadOfAliasing() throws Exception {
        // A one-pixel checkerboard: point sampling would return pure black or white, averaging gives gray.
        BufferedImage image = new BufferedImage(320, 320, BufferedImage.TYPE_BYTE_GRAY);
        WritableRaster raster = image.getRaster();
        for (int y = 0; y < 320; y++) {
            for (int x = 0; x < 320; x++) {
                raster.setSample(x, y, 0, (x + y) % 2 == 0 ? 255 : 0);
            }
        }

        float[] pixels = ImageLoader.load(png(image, "checker.png"), SIZE);

        for (float v : pixels) {
            assertEquals(0.5f, v, 0.02f);
        }
    }

    @Test
    void smallImageIsEnlargedSmoothly() throws Exception {
        BufferedImage image = new BufferedImage(2, 2, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 2; y++) {
            image.getRaster().setSample(0, y, 0, 0);
            image.getRaster().setSample(1, y, 0, 255);
        }

        float[] pixels = ImageLoader.load(png(image, "tiny.png"), SIZE);

        for (int x = 1; x < SIZE; x++) {
            assertTrue(pixels[x] >= pixels[x - 1], "a left-to-right ramp stays monotonic");
        }
        assertEquals(0f, pixels[0], 1e-6f);
        assertEquals(1f, pixels[SIZE - 1], 1e-6f);
        assertEquals(pixels[5], pixels[20 * SIZE + 5], 0f, "every row is the same");
    }

    @Test
    void jpegIsRead() throws Exception {
        BufferedImage image = new BufferedImage(40, 40, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 40; y++) {
            for (int x = 0; x < 40; x++) {
                image.setRGB(x, y, 0x808080);
            }
        }
        Path file = folder.resolve("photo.jpg");
        assertTrue(ImageIO.write(image, "jpeg", file.toFile()));

        float[] pixels = ImageLoader.load(file, SIZE);

        assertEquals(128 / 255f, pixels[PLANE + 300], 3 / 255f);
    }

    @Test
    void textFileNamedPngIsOneLineInputError() throws Exception {
        Path fake = Files.writeString(folder.resolve("x.png"), "not an image\n");

        InputError error = assertThrows(InputError.class, () -> ImageLoader.load(fake, SIZE));

        assertTrue(error.getMessage().startsWith(fake + " is not a PNG or JPEG image"), error.getMessage());
        assertFalse(error.getMessage().contains("\n"));
    }

    @Test
    void truncatedPngIsInputError() throws Exception {
        BufferedImage image = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_INT_RGB);
        byte[] bytes = Files.readAllBytes(png(image, "full.png"));
        Path truncated = Files.write(folder.resolve("truncated.png"), java.util.Arrays.copyOf(bytes, 60));

        InputError error = assertThrows(InputError.class, () -> ImageLoader.load(truncated, SIZE));

        assertTrue(error.getMessage().startsWith(truncated.toString()), error.getMessage());
        assertFalse(error.getMessage().contains("\n"));
    }

    @Test
    void missingFileIsInputError() {
        Path absent = folder.resolve("absent.png");

        InputError error = assertThrows(InputError.class, () -> ImageLoader.load(absent, SIZE));

        assertEquals(absent + " does not exist; pass PNG or JPEG files", error.getMessage());
    }

    private Path png(BufferedImage image, String name) throws Exception {
        Path file = folder.resolve(name);
        assertTrue(ImageIO.write(image, "png", file.toFile()), "no PNG writer for " + name);
        return file;
    }

    private static void fill(WritableRaster raster, int band, int value) {
        for (int y = 0; y < raster.getHeight(); y++) {
            for (int x = 0; x < raster.getWidth(); x++) {
                raster.setSample(x, y, band, value);
            }
        }
    }
}
