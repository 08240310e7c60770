package dev.lightspeed.data;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A split of two-channel 4×4 images: any shape works, nothing assumes one dataset. */
class ImageSplitTest {

    private static final int CHANNELS = 2;
    private static final int SIZE = 4;
    private static final int IMAGE_BYTES = CHANNELS * SIZE * SIZE;

    @Test
    void geometryComesFromTheSplit() {
        ImageSplit split = new ImageSplit(patterned(3), new int[] {0, 1, 2}, CHANNELS, SIZE);

        assertEquals(3, split.count());
        assertEquals(SIZE * SIZE, split.planeBytes());
        assertEquals(IMAGE_BYTES, split.imageBytes());
        assertEquals("2×4×4", split.imageShape());
    }

    @Test
    void rejectsArraysThatDoNotMatchTheShape() {
        assertThrows(IllegalArgumentException.class,
                () -> new ImageSplit(new byte[IMAGE_BYTES], new int[2], CHANNELS, SIZE));
        assertThrows(IllegalArgumentException.class,
                () -> new ImageSplit(new byte[2 * IMAGE_BYTES], new int[1], CHANNELS, SIZE));
        assertThrows(IllegalArgumentException.class,
                () -> new ImageSplit(new byte[2 * IMAGE_BYTES], new int[2], CHANNELS + 1, SIZE));
        assertThrows(IllegalArgumentException.class, () -> new ImageSplit(new byte[0], new int[0], 0, SIZE));
        assertThrows(IllegalArgumentException.class,
                () -> new ImageSplit(new byte[IMAGE_BYTES], new int[] {-1}, CHANNELS, SIZE));
    }

    @Test
    void labelsGoBeyondWhatOneByteHolds() {
        ImageSplit split = new ImageSplit(patterned(3), new int[] {999, 0, 255}, CHANNELS, SIZE);

        assertEquals(999, split.label(0));
        assertEquals(255, split.label(2));
        assertEquals(999, split.maxLabel());
        assertEquals(-1, new ImageSplit(new byte[0], new int[0], CHANNELS, SIZE).maxLabel());
    }

    @Test
    void pixelAddressesThePlanarLayout() {
        byte[] images = new byte[2 * IMAGE_BYTES];
        // Image 1, second plane, row 3, column 2.
        images[IMAGE_BYTES + SIZE * SIZE + 3 * SIZE + 2] = (byte) 200;
        ImageSplit split = new ImageSplit(images, new int[] {4, 9}, CHANNELS, SIZE);

        assertEquals(200, split.pixel(1, 1, 3, 2));
        assertEquals(0, split.pixel(0, 1, 3, 2));
        assertEquals(9, split.label(1));
        assertThrows(IndexOutOfBoundsException.class, () -> split.pixel(2, 0, 0, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> split.pixel(0, CHANNELS, 0, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> split.pixel(0, 0, SIZE, 0));
    }

    @Test
    void headCopiesTheFirstImagesAndLabels() {
        byte[] images = patterned(5);
        ImageSplit split = new ImageSplit(images, new int[] {1, 2, 3, 4, 5}, CHANNELS, SIZE);

        ImageSplit head = split.head(2);

        assertEquals(2, head.count());
        assertEquals(CHANNELS, head.channels());
        assertEquals(SIZE, head.imageSize());
        assertArrayEquals(new int[] {1, 2}, head.labels());
        assertArrayEquals(Arrays.copyOf(images, 2 * IMAGE_BYTES), head.images());
        head.images()[0] = 99;
        assertNotEquals(99, split.images()[0], "head must copy, not share");
        assertThrows(IllegalArgumentException.class, () -> split.head(6));
    }

    @Test
    void splitsWithEqualContentAreEqual() {
        ImageSplit a = new ImageSplit(patterned(2), new int[] {1, 2}, CHANNELS, SIZE);
        ImageSplit b = new ImageSplit(patterned(2), new int[] {1, 2}, CHANNELS, SIZE);

        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a, new ImageSplit(patterned(2), new int[] {1, 3}, CHANNELS, SIZE));
        // The same bytes read as eight 2×2 planes are other images.
        assertNotEquals(a, new ImageSplit(patterned(2), new int[] {1, 2}, 8, 2));
    }

    private static byte[] patterned(int count) {
        byte[] images = new byte[count * IMAGE_BYTES];
        for (int i = 0; i < images.length; i++) {
            images[i] = (byte) (i * 31 + 7);
        }
        return images;
    }

    @Test
    void spreadIndicesCoverTheSplitEvenly() {
        assertEquals(0, ImageSplit.spreadIndex(0, 512, 50_000));
        assertEquals(25_000, ImageSplit.spreadIndex(256, 512, 50_000));
        assertEquals(49_902, ImageSplit.spreadIndex(511, 512, 50_000));
    }

    @Test
    void anEvenSpreadHoldsEveryKthImageAsPixelsInTheUnitRangeInBatches() {
        byte[] images = new byte[300 * 3072];
        new Random(1).nextBytes(images);
        ImageSplit split = new ImageSplit(images, new int[300], 3, 32);
        List<float[]> batches = new ArrayList<>();
        split.evenlySpread(150, 128).forEach(batches::add);

        assertEquals(List.of(128 * 3072, 22 * 3072), batches.stream().map(b -> b.length).toList());
        for (int picked = 0; picked < 150; picked++) {
            float[] batch = batches.get(picked / 128);
            int offset = (picked % 128) * 3072;
            int image = 2 * picked;
            assertEquals(split.pixel(image, 0, 0, 0) / 255f, batch[offset], "first pixel of image " + image);
            assertEquals(split.pixel(image, 2, 31, 31) / 255f, batch[offset + 3071], "last pixel of image " + image);
        }
        assertThrows(IllegalArgumentException.class, () -> split.evenlySpread(301, 128));
        assertThrows(IllegalArgumentException.class, () -> split.evenlySpread(0, 128));
    }
}
