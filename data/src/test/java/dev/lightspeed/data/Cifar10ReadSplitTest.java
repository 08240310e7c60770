package dev.lightspeed.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.lightspeed.data.SyntheticCifar.globalIndex;
import static dev.lightspeed.data.SyntheticCifar.label;
import static dev.lightspeed.data.SyntheticCifar.pixel;
import static org.junit.jupiter.api.Assertions.assertEquals;

class Cifar10ReadSplitTest {

    private static final int RED = 0;
    private static final int GREEN = 1;
    private static final int BLUE = 2;

    @TempDir
    Path dir;

    @Test
    void labelsAndPixelPlanesLandInPlaceAcrossFiles() throws IOException {
        Path first = dir.resolve("a.bin");
        Path second = dir.resolve("b.bin");
        Files.write(first, SyntheticCifar.records(100, 3));
        Files.write(second, SyntheticCifar.records(500, 4));

        ImageSplit split = Cifar10.readSplit(List.of(first, second));

        assertEquals(7, split.count());
        assertEquals(7 * 3072, split.images().length);
        for (int k = 0; k < 3; k++) {
            assertEquals(label(100 + k), split.label(k), "label of record " + k);
        }
        for (int k = 0; k < 4; k++) {
            assertEquals(label(500 + k), split.label(3 + k), "label of the second file's record " + k);
        }
        // Image 4 is the second file's record 1 (global index 501); check all three planes, first and last pixel.
        assertEquals(pixel(501, RED, 0), split.pixel(4, RED, 0, 0));
        assertEquals(pixel(501, GREEN, 2 * 32 + 9), split.pixel(4, GREEN, 2, 9));
        assertEquals(pixel(501, BLUE, 1023), split.pixel(4, BLUE, 31, 31));
        // The raw layout too: the blue plane of image 2 starts 2048 bytes into that image.
        assertEquals((byte) pixel(102, BLUE, 0), split.images()[2 * 3072 + 2048]);
        assertEquals((byte) pixel(102, RED, 1023), split.images()[2 * 3072 + 1023]);
    }

    @Test
    void readsEveryByteOfEveryRecord() throws IOException {
        Path file = dir.resolve("c.bin");
        byte[] records = SyntheticCifar.records(globalIndex(2, 0), 5);
        Files.write(file, records);

        ImageSplit split = Cifar10.readSplit(List.of(file));

        for (int k = 0; k < 5; k++) {
            assertEquals(Byte.toUnsignedInt(records[k * 3073]), split.labels()[k]);
            for (int b = 0; b < 3072; b++) {
                if (records[k * 3073 + 1 + b] != split.images()[k * 3072 + b]) {
                    throw new AssertionError("image " + k + " byte " + b + " differs");
                }
            }
        }
    }

    @Test
    void fileThatIsNotWholeRecordsIsNamed() throws IOException {
        Path file = dir.resolve("odd.bin");
        Files.write(file, new byte[3073 + 10]);

        Messages.inputError(() -> Cifar10.readSplit(List.of(file)), "odd.bin", "3,083 bytes");
    }

    @Test
    void invalidLabelIsNamedWithFileAndRecord() throws IOException {
        Path file = dir.resolve("labels.bin");
        Files.write(file, SyntheticCifar.records(0, 4));
        SyntheticCifar.setLabel(file, 2, 255);

        Messages.inputError(() -> Cifar10.readSplit(List.of(file)), "labels.bin", "record 2", "label 255");
    }

    @Test
    void missingFileIsNamed() {
        Messages.inputError(() -> Cifar10.readSplit(List.of(dir.resolve("gone.bin"))), "gone.bin");
    }
}
