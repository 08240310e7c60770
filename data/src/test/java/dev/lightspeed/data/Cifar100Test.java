package dev.lightspeed.data;

import dev.lightspeed.models.DatasetInfo;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.lightspeed.data.SyntheticCifar100.coarse;
import static dev.lightspeed.data.SyntheticCifar100.fine;
import static dev.lightspeed.data.SyntheticCifar100.pixel;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Cifar100Test {

    /** One full-size set, written once: 185 MB is worth sharing between the tests that only read it. */
    @TempDir
    static Path fullSet;

    @TempDir
    Path dir;

    @BeforeAll
    static void writeFullSet() throws IOException {
        SyntheticCifar100.writeFullSet(fullSet.resolve(Cifar100.ARCHIVE_FOLDER));
    }

    @Test
    void fineLabelsByDefaultWithNamesShapeAndMeasuredNormalization() {
        Dataset dataset = Cifar100.load(fullSet, Cifar100.Labels.FINE);

        DatasetInfo info = dataset.info();
        assertEquals("cifar100", info.name());
        assertEquals(100, info.numClasses());
        assertEquals("fine-0", info.classes().get(0));
        assertEquals("fine-99", info.classes().get(99));
        assertEquals(3, info.channels());
        assertEquals(32, info.imageSize());
        assertEquals(PixelStatistics.normalization(dataset.train()), info.normalization());
        assertEquals(50_000, dataset.train().count());
        assertEquals(10_000, dataset.test().count());
        assertEquals(fine(12_345), dataset.train().label(12_345));
        assertEquals(pixel(12_345, 2, 33), dataset.train().pixel(12_345, 2, 1, 1));
        assertEquals(fine(9_999), dataset.test().label(9_999));
        assertEquals(pixel(9_999, 0, 1023), dataset.test().pixel(9_999, 0, 31, 31));
    }

    @Test
    void coarseLabelsReadTheFirstByte() {
        Dataset dataset = Cifar100.load(fullSet, Cifar100.Labels.COARSE);

        assertEquals("cifar100-coarse", dataset.info().name());
        assertEquals(20, dataset.info().numClasses());
        assertEquals("coarse-19", dataset.info().classes().get(19));
        assertEquals(coarse(12_345), dataset.train().label(12_345));
        assertEquals(coarse(777), dataset.test().label(777));
        assertEquals(pixel(777, 1, 5), dataset.test().pixel(777, 1, 0, 5));
    }

    @Test
    void officialSetValidates() {
        assertDoesNotThrow(() -> Cifar100.validate(fullSet));
        assertFalse(Cifar100.holdsNoDataFiles(fullSet));
        assertEquals(fullSet.resolve(Cifar100.ARCHIVE_FOLDER).toAbsolutePath().normalize(),
                Cifar100.resolveFolder(fullSet));
    }

    @Test
    void readsSmallFilesOfWholeRecords() throws IOException {
        Path file = Files.write(dir.resolve("few.bin"), SyntheticCifar100.records(7));

        ImageSplit fineSplit = Cifar100.readSplit(List.of(file), Cifar100.Labels.FINE);
        ImageSplit coarseSplit = Cifar100.readSplit(List.of(file), Cifar100.Labels.COARSE);

        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6}, fineSplit.labels());
        assertArrayEquals(new int[] {0, 0, 0, 0, 0, 1, 1}, coarseSplit.labels());
        assertEquals(fineSplit.images().length, 7 * 3072);
        assertEquals(pixel(6, 2, 1000), fineSplit.pixel(6, 2, 31, 8));
    }

    @Test
    void wrongSizesAreRefusedAndNamed() throws IOException {
        Path folder = dir.resolve("short");
        Files.createDirectories(folder);
        Files.write(folder.resolve(Cifar100.TRAIN_FILE), SyntheticCifar100.records(10));
        Files.write(folder.resolve(Cifar100.TEST_FILE), SyntheticCifar100.records(10));
        SyntheticCifar100.writeNames(folder);

        Messages.inputError(() -> Cifar100.load(folder, Cifar100.Labels.FINE),
                "train.bin is truncated: 30,740 bytes, expected 153,700,000", "download the dataset again");

        Files.write(folder.resolve("odd.bin"), new byte[3075]);
        Messages.inputError(() -> Cifar100.readSplit(List.of(folder.resolve("odd.bin")), Cifar100.Labels.FINE),
                "odd.bin is not a CIFAR-100 binary file", "3,075 bytes", "3,074-byte records");
    }

    @Test
    void labelsOutOfRangeAreRefusedWithFileAndRecord() throws IOException {
        byte[] records = SyntheticCifar100.records(5);
        records[3 * Cifar100.RECORD_BYTES + 1] = (byte) 100;
        Path badFine = Files.write(dir.resolve("fine.bin"), records);
        records = SyntheticCifar100.records(5);
        records[4 * Cifar100.RECORD_BYTES] = (byte) 20;
        Path badCoarse = Files.write(dir.resolve("coarse.bin"), records);

        Messages.inputError(() -> Cifar100.readSplit(List.of(badFine), Cifar100.Labels.FINE),
                "fine.bin record 3 has fine label 100, expected 0-99");
        // Both bytes are checked whichever label is used: a bad one means a bad file.
        Messages.inputError(() -> Cifar100.readSplit(List.of(badCoarse), Cifar100.Labels.FINE),
                "coarse.bin record 4 has coarse label 20, expected 0-19");
    }

    @Test
    void unbalancedClassesAndBadNameListsAreRefused() throws IOException {
        Path folder = dir.resolve("set");
        SyntheticCifar100.writeFullSet(folder);
        // Test image 0 (fine 0, coarse 0) relabelled fine 1, coarse 0: only the fine counts change.
        try (RandomAccessFile file = new RandomAccessFile(folder.resolve(Cifar100.TEST_FILE).toFile(), "rw")) {
            file.seek(1);
            file.write(1);
        }

        Messages.inputError(() -> Cifar100.load(folder, Cifar100.Labels.FINE),
                "test.bin holds 99 images of fine class 0 (fine-0), expected 100 of each");
        assertEquals(20, Cifar100.load(folder, Cifar100.Labels.COARSE).info().numClasses());
        Messages.inputError(() -> Cifar100.validate(folder), "test.bin holds 99 images of fine class 0");

        Files.writeString(folder.resolve("coarse_label_names.txt"), SyntheticCifar100.names("coarse", 19));
        Messages.inputError(() -> Cifar100.load(folder, Cifar100.Labels.COARSE),
                "coarse_label_names.txt lists 19 class names, expected 20");
        Files.writeString(folder.resolve("coarse_label_names.txt"),
                SyntheticCifar100.names("coarse", 19) + "\ncoarse-3\n");
        Messages.inputError(() -> Cifar100.load(folder, Cifar100.Labels.COARSE), "lists the class 'coarse-3' twice");
    }

    @Test
    void missingFilesAreNamed() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("partial"));
        SyntheticCifar100.writeNames(folder);

        assertFalse(Cifar100.holdsNoDataFiles(folder));
        Messages.inputError(() -> Cifar100.load(folder, Cifar100.Labels.FINE), "train.bin, test.bin are missing",
                "download the dataset into it");
        assertTrue(Cifar100.holdsNoDataFiles(dir.resolve("nowhere")));
        Messages.inputError(() -> Cifar100.load(dir.resolve("nowhere"), Cifar100.Labels.FINE),
                "CIFAR-100 folder", "does not exist");
    }

    @Test
    void labelsOptionParses() {
        assertEquals(Cifar100.Labels.FINE, Cifar100.Labels.parse("fine"));
        assertEquals(Cifar100.Labels.COARSE, Cifar100.Labels.parse(" Coarse "));
        Messages.inputErrorIn("labels", () -> Cifar100.Labels.parse("super"), "labels super", "fine", "coarse");
    }
}
