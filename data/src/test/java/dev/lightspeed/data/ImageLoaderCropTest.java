package dev.lightspeed.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Centre cropping and the colour models that photos in folders come in. */
class ImageLoaderCropTest {

    private static final int SIZE = 8;
    private static final int PLANE = SIZE * SIZE;

    @TempDir
    Path folder;

    @Test
    void wideImageKeepsItsCentralSquare() throws Exception {
        // 15×9: three red columns, nine green, three blue; the central 9×9 square is all green.
        BufferedImage image = TestImages.uniform(15, 9, 0x00ff00);
        for (int y = 0; y < 9; y++) {
            for (int x = 0; x < 3; x++) {
                image.setRGB(x, y, 0xff0000);
                image.setRGB(14 - x, y, 0x0000ff);
            }
        }

        float[] pixels = ImageLoader.load(TestImages.write(image, "png", folder.resolve("wide.png")), SIZE);

        assertEquals(3 * PLANE, pixels.length);
        for (int i = 0; i < PLANE; i++) {
            assertEquals(0f, pixels[i], 1e-6f, "no red from the cut-off left");
            assertEquals(1f, pixels[PLANE + i], 1e-6f);
            assertEquals(0f, pixels[2 * PLANE + i], 1e-6f, "no blue from the cut-off right");
        }
    }

    @Test
    void tallImageKeepsItsCentralSquareAndShrinksTopToBottomInOrder() throws Exception {
        // 16 wide, 32 tall: rows 0-7 black, 8-23 a vertical ramp, 24-31 white; the central 16×16 is the ramp.
        BufferedImage image = TestImages.gray(16, 32, 0);
        for (int y = 8; y < 32; y++) {
            for (int x = 0; x < 16; x++) {
                image.getRaster().setSample(x, y, 0, y < 24 ? (y - 8) * 16 : 255);
            }
        }

        float[] pixels = ImageLoader.load(TestImages.write(image, "png", folder.resolve("tall.png")), SIZE);

        // Halving, the triangle filter weighs ramp rows 2r-1 .. 2r+2 by 1/4, 3/4, 3/4, 1/4: the ramp at 2r + 1/2.
        for (int row = 1; row < SIZE - 1; row++) {
            assertEquals((32 * row + 8) / 255f, pixels[row * SIZE + 3], 1e-5f, "row " + row);
        }
        // At the crop's top edge only rows 0-2 weigh in; a black row above it would pull the value down.
        assertEquals((0 * 0.75f + 16 * 0.75f + 32 * 0.25f) / 1.75f / 255, pixels[3], 1e-5f, "row 0");
    }

    @Test
    void cmykJpegBecomesTheColourItsInksMake() throws Exception {
        Path file = TestImages.cmykJpeg(9, 9, 200, 50, 10, 0, folder.resolve("print.jpg"));

        float[] pixels = ImageLoader.load(file, SIZE);

        assertEquals(55 / 255f, pixels[20], 4 / 255f, "red: 255 - cyan");
        assertEquals(205 / 255f, pixels[PLANE + 20], 4 / 255f, "green: 255 - magenta");
        assertEquals(245 / 255f, pixels[2 * PLANE + 20], 4 / 255f, "blue: 255 - yellow");
    }

    @Test
    void paletteImageIsReadThroughItsPalette() throws Exception {
        Path file = TestImages.write(TestImages.palette(10, 10, 0x4080c0), "png", folder.resolve("palette.png"));

        float[] pixels = ImageLoader.load(file, SIZE);

        assertEquals(0x40 / 255f, pixels[0], 1e-6f);
        assertEquals(0x80 / 255f, pixels[PLANE], 1e-6f);
        assertEquals(0xc0 / 255f, pixels[2 * PLANE], 1e-6f);
    }
}
