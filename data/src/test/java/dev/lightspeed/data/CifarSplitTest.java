package dev.lightspeed.data;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CifarSplitTest {

    @Test
    void constantsDescribeTheBinaryFormat() {
        assertEquals(3072, CifarSplit.IMAGE_BYTES);
        assertEquals(3073, CifarSplit.RECORD_BYTES);
        assertEquals(32, CifarSplit.IMAGE_SIZE);
        assertEquals(3, CifarSplit.CHANNELS);
        assertEquals(30_730_000L, Cifar10.FILE_BYTES);
    }

    @Test
    void rejectsArraysThatDoNotMatchTheCount() {
        assertThrows(IllegalArgumentException.class, () -> new CifarSplit(new byte[3072], new byte[2], 2));
        assertThrows(IllegalArgumentException.class, () -> new CifarSplit(new byte[2 * 3072], new byte[1], 2));
    }

    @Test
    void pixelAddressesThePlanarLayout() {
        byte[] images = new byte[2 * 3072];
        // Image 1, green plane, row 3, column 5.
        images[3072 + 1024 + 3 * 32 + 5] = (byte) 200;
        CifarSplit split = new CifarSplit(images, new byte[] {4, 9}, 2);
        assertEquals(200, split.pixel(1, 1, 3, 5));
        assertEquals(0, split.pixel(0, 1, 3, 5));
        assertEquals(9, split.label(1));
        assertThrows(IndexOutOfBoundsException.class, () -> split.pixel(2, 0, 0, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> split.pixel(0, 3, 0, 0));
    }

    @Test
    void headCopiesTheFirstImagesAndLabels() {
        byte[] images = SyntheticImages.patterned(5);
        byte[] labels = {1, 2, 3, 4, 5};
        CifarSplit split = new CifarSplit(images, labels, 5);

        CifarSplit head = split.head(2);

        assertEquals(2, head.count());
        assertArrayEquals(new byte[] {1, 2}, head.labels());
        assertArrayEquals(java.util.Arrays.copyOf(images, 2 * 3072), head.images());
        head.images()[0] = 99;
        assertNotEquals(99, split.images()[0], "head must copy, not share");
        assertThrows(IllegalArgumentException.class, () -> split.head(6));
    }

    @Test
    void splitsWithEqualContentAreEqual() {
        CifarSplit a = new CifarSplit(SyntheticImages.patterned(2), new byte[] {1, 2}, 2);
        CifarSplit b = new CifarSplit(SyntheticImages.patterned(2), new byte[] {1, 2}, 2);
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a, new CifarSplit(SyntheticImages.patterned(2), new byte[] {1, 3}, 2));
    }

    /** Image bytes without the label bytes of a record. */
    private static final class SyntheticImages {
        static byte[] patterned(int count) {
            byte[] images = new byte[count * 3072];
            for (int i = 0; i < images.length; i++) {
                images[i] = (byte) (i * 31 + 7);
            }
            return images;
        }
    }
}
