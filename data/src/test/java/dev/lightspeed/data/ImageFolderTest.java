package dev.lightspeed.data;

import dev.lightspeed.models.DatasetInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageFolderTest {

    private static final int SIZE = 8;

    @TempDir
    Path dir;

    private Path cache() {
        return dir.resolve("cache");
    }

    @Test
    void decodesEveryKindOfFileIntoCentredSquaresLabelledBySortedClassFolders() throws IOException {
        Path data = dir.resolve("pets");
        TestImages.write(TestImages.uniform(15, 9, 0x00ff00), "png", data.resolve("train/cat/a.png"));
        TestImages.write(TestImages.gray(11, 13, 100), "jpeg", data.resolve("train/cat/b.JPG"));
        TestImages.write(TestImages.uniform(9, 9, 0x808080), "jpeg", data.resolve("train/dog/c.jpeg"));
        TestImages.write(TestImages.palette(10, 7, 0x4080c0), "png", data.resolve("train/dog/d.png"));
        TestImages.cmykJpeg(12, 12, 200, 50, 10, 0, data.resolve("train/dog/e.jpg"));
        TestImages.write(TestImages.uniform(9, 9, 0xff0000), "png", data.resolve("train/dog/deeper/f.png"));
        Files.writeString(data.resolve("train/dog/notes.txt"), "not an image, and not an image name");
        Files.writeString(data.resolve("train/dog/.hidden.jpg"), "a hidden file is skipped");
        TestImages.write(TestImages.uniform(20, 30, 0x0000ff), "png", data.resolve("val/cat/v.png"));
        TestImages.write(TestImages.uniform(8, 8, 0xffffff), "png", data.resolve("val/dog/w.png"));

        Dataset dataset = ImageFolder.load(data, SIZE, cache(), ProgressListener.none());

        DatasetInfo info = dataset.info();
        assertEquals("pets", info.name());
        assertEquals(List.of("cat", "dog"), info.classes());
        assertEquals(SIZE, info.imageSize());
        assertEquals(3, info.channels());
        ImageSplit train = dataset.train();
        // Sorted within a class: cat/a, cat/b; dog/c, dog/d, dog/deeper/f, dog/e.
        assertArrayEquals(new int[] {0, 0, 1, 1, 1, 1}, train.labels());
        assertRgb(train, 0, 0, 255, 0, 0);
        assertRgb(train, 1, 100, 100, 100, 3);
        assertRgb(train, 2, 128, 128, 128, 3);
        assertRgb(train, 3, 0x40, 0x80, 0xc0, 0);
        assertRgb(train, 4, 255, 0, 0, 0);
        assertRgb(train, 5, 55, 205, 245, 4);
        assertArrayEquals(new int[] {0, 1}, dataset.test().labels());
        assertRgb(dataset.test(), 0, 0, 0, 255, 0);
        assertEquals(PixelStatistics.normalization(train), info.normalization());
    }

    @Test
    void testFolderServesWhenThereIsNoVal() throws IOException {
        Path data = dir.resolve("set");
        TestImages.write(TestImages.uniform(8, 8, 0x111111), "png", data.resolve("train/a/1.png"));
        TestImages.write(TestImages.uniform(8, 8, 0x222222), "png", data.resolve("test/a/2.png"));

        Dataset fromTest = ImageFolder.load(data, SIZE, cache(), ProgressListener.none());
        assertEquals(0x22, fromTest.test().pixel(0, 0, 0, 0));

        TestImages.write(TestImages.uniform(8, 8, 0x333333), "png", data.resolve("val/a/3.png"));
        Dataset fromVal = ImageFolder.load(data, SIZE, cache(), ProgressListener.none());
        assertEquals(0x33, fromVal.test().pixel(0, 0, 0, 0), "val/ is preferred over test/");
    }

    @Test
    void linkedClassFoldersAndImagesAreFollowed() throws IOException {
        Path elsewhere = dir.resolve("elsewhere");
        TestImages.write(TestImages.uniform(8, 8, 0x101010), "png", elsewhere.resolve("cats/1.png"));
        TestImages.write(TestImages.uniform(8, 8, 0x202020), "png", elsewhere.resolve("2.png"));
        Path data = dir.resolve("linked");
        Files.createDirectories(data.resolve("train"));
        Files.createSymbolicLink(data.resolve("train/cat"), elsewhere.resolve("cats"));
        Files.createDirectories(data.resolve("val/cat"));
        Files.createSymbolicLink(data.resolve("val/cat/2.png"), elsewhere.resolve("2.png"));

        Dataset dataset = load(data);

        assertEquals(0x10, dataset.train().pixel(0, 0, 0, 0));
        assertEquals(0x20, dataset.test().pixel(0, 0, 0, 0));
    }

    @Test
    void layoutsThatCannotMakeADatasetAreRefusedInOneLine() throws IOException {
        Path data = dir.resolve("bad");
        Files.createDirectories(data);
        Messages.inputError(() -> load(data), "has no train/ folder");

        TestImages.write(TestImages.uniform(8, 8, 0), "png", data.resolve("train/cat/1.png"));
        TestImages.write(TestImages.uniform(8, 8, 0), "png", data.resolve("train/dog/1.png"));
        Messages.inputError(() -> load(data), "no val/ or test/ folder");

        TestImages.write(TestImages.uniform(8, 8, 0), "png", data.resolve("val/cat/1.png"));
        TestImages.write(TestImages.uniform(8, 8, 0), "png", data.resolve("val/cow/1.png"));
        Messages.inputError(() -> load(data), "class folders of val/ and train/ differ", "val/ lacks dog",
                "val/ has cow that train/ lacks");

        Files.delete(data.resolve("val/cow/1.png"));
        Files.delete(data.resolve("val/cow"));
        Files.createDirectories(data.resolve("val/dog"));
        Files.writeString(data.resolve("val/dog/readme.txt"), "no images here");
        Messages.inputError(() -> load(data), data.resolve("val/dog") + " holds no images", ".jpg, .jpeg or .png");

        Messages.inputError(() -> ImageFolder.load(data, 7, cache(), ProgressListener.none()),
                "image-size 7 is out of range", "8 to 512");
        Messages.inputError(() -> ImageFolder.load(data, 513, cache(), ProgressListener.none()),
                "image-size 513");
        Messages.inputError(() -> load(dir.resolve("nowhere")), "does not exist");
    }

    @Test
    void brokenImagesAreAllFoundAndTheFirstIsNamed() throws IOException {
        Path data = dir.resolve("broken");
        TestImages.write(TestImages.uniform(8, 8, 0), "png", data.resolve("train/a/good.png"));
        Files.writeString(data.resolve("train/a/text.jpg"), "this is text");
        byte[] png = Files.readAllBytes(TestImages.write(TestImages.uniform(30, 30, 0x123456), "png",
                dir.resolve("whole.png")));
        TestImages.write(TestImages.uniform(8, 8, 0), "png", data.resolve("train/b/good.png"));
        Files.write(data.resolve("train/b/cut.png"), java.util.Arrays.copyOf(png, 60));
        Files.createDirectories(data.resolve("val/b"));
        TestImages.write(TestImages.uniform(8, 8, 0), "png", data.resolve("val/a/good.png"));
        Files.writeString(data.resolve("val/b/empty.png"), "");

        Messages.inputError(() -> load(data), data.resolve("train/a/text.jpg") + " is not a PNG or JPEG image",
                "2 more images are broken too", "fix or remove");
        assertFalse(Files.exists(cache()) && Files.list(cache()).findAny().isPresent(), "nothing cached");
    }

    private Dataset load(Path data) {
        return ImageFolder.load(data, SIZE, cache(), ProgressListener.none());
    }

    /** Every pixel of image {@code index} is the colour (r, g, b), within {@code tolerance}. */
    private static void assertRgb(ImageSplit split, int index, int r, int g, int b, int tolerance) {
        int[] expected = {r, g, b};
        for (int channel = 0; channel < 3; channel++) {
            for (int row = 0; row < split.imageSize(); row++) {
                for (int column = 0; column < split.imageSize(); column++) {
                    int actual = split.pixel(index, channel, row, column);
                    assertTrue(Math.abs(actual - expected[channel]) <= tolerance, "image " + index + " channel "
                            + channel + " at (" + row + ", " + column + "): " + actual + ", expected "
                            + expected[channel]);
                }
            }
        }
    }
}
