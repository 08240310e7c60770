package dev.lightspeed.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.lightspeed.data.SyntheticCifar.globalIndex;
import static dev.lightspeed.data.SyntheticCifar.label;
import static dev.lightspeed.data.SyntheticCifar.pixel;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Cifar10ValidationTest {

    private static final int PATTERNED_RECORDS = 4;

    @TempDir
    Path dir;

    @Test
    void missingFileIsNamed() throws IOException {
        SyntheticCifar.writeSmallSet(dir, 1);
        Files.delete(dir.resolve("data_batch_3.bin"));

        assertFalse(Cifar10.holdsNoDataFiles(dir), "a partial set is reported, not downloaded over");
        Messages.inputError(() -> Cifar10.resolveFolder(dir), "data_batch_3.bin is missing", dir.toString(),
                "download the dataset into it");
        Messages.inputError(() -> Cifar10.validate(dir), "data_batch_3.bin");
        Messages.inputError(() -> Cifar10.load(dir), "data_batch_3.bin");
    }

    @Test
    void severalMissingFilesAreAllNamed() throws IOException {
        SyntheticCifar.writeSmallSet(dir, 1);
        Files.delete(dir.resolve("data_batch_1.bin"));
        Files.delete(dir.resolve("test_batch.bin"));

        Messages.inputError(() -> Cifar10.resolveFolder(dir), "data_batch_1.bin, test_batch.bin are missing");
    }

    @Test
    void emptyOrAbsentFolderSaysWhereToPutTheFiles() {
        Messages.inputError(() -> Cifar10.load(dir), dir.toString(), "holds no CIFAR-10 files",
                "download the dataset into it", "choose the folder that holds");
        Path absent = dir.resolve("nowhere");
        Messages.inputError(() -> Cifar10.load(absent), absent.toString(), "does not exist",
                "download the dataset into it");
        assertTrue(Cifar10.holdsNoDataFiles(dir));
        assertTrue(Cifar10.holdsNoDataFiles(absent));
    }

    @Test
    void truncatedFileIsNamedWithItsSize() throws IOException {
        SyntheticCifar.writeFullSizeSet(dir, PATTERNED_RECORDS);
        truncate(dir.resolve("data_batch_3.bin"), 1_234);

        Messages.inputError(() -> Cifar10.validate(dir),
                "data_batch_3.bin is truncated: 1,234 bytes, expected 30,730,000",
                "download the dataset again");
        Messages.inputError(() -> Cifar10.load(dir), "data_batch_3.bin is truncated");
    }

    @Test
    void oversizedFileIsNamed() throws IOException {
        SyntheticCifar.writeFullSizeSet(dir, PATTERNED_RECORDS);
        truncate(dir.resolve("test_batch.bin"), Cifar10.FILE_BYTES + 1);

        Messages.inputError(() -> Cifar10.validate(dir), "test_batch.bin is too large: 30,730,001 bytes");
    }

    @Test
    void labelOutOfRangeIsNamedWithFileAndRecord() throws IOException {
        SyntheticCifar.writeFullSizeSet(dir, PATTERNED_RECORDS);
        SyntheticCifar.setLabel(dir.resolve("data_batch_2.bin"), 7, 10);

        Messages.inputError(() -> Cifar10.validate(dir), "data_batch_2.bin record 7 has label 10");
        Messages.inputError(() -> Cifar10.load(dir), "data_batch_2.bin record 7 has label 10");
    }

    @Test
    void labelInTheLastRecordIsChecked() throws IOException {
        SyntheticCifar.writeFullSizeSet(dir, PATTERNED_RECORDS);
        SyntheticCifar.setLabel(dir.resolve("test_batch.bin"), 9_999, 200);

        Messages.inputError(() -> Cifar10.validate(dir), "test_batch.bin record 9999 has label 200");
    }

    @Test
    void parentFolderHoldingTheExtractedArchiveIsAccepted() throws IOException {
        Path extracted = dir.resolve("cifar-10-batches-bin");
        SyntheticCifar.writeFullSizeSet(extracted, PATTERNED_RECORDS);

        assertEquals(extracted, Cifar10.resolveFolder(dir));
        assertDoesNotThrow(() -> Cifar10.validate(dir));
        assertFalse(Cifar10.holdsNoDataFiles(dir));
        Dataset dataset = Cifar10.load(dir);

        assertEquals(50_000, dataset.train().count());
        assertEquals(10_000, dataset.test().count());
        // Train image 10,002 is data_batch_2.bin record 2; test image 3 is test_batch.bin record 3.
        int trainIndex = globalIndex(1, 2);
        assertEquals(label(trainIndex), dataset.train().label(10_002));
        assertEquals(pixel(trainIndex, 0, 5), dataset.train().pixel(10_002, 0, 0, 5));
        assertEquals(pixel(trainIndex, 2, 32 + 1), dataset.train().pixel(10_002, 2, 1, 1));
        int testIndex = globalIndex(5, 3);
        assertEquals(label(testIndex), dataset.test().label(3));
        assertEquals(pixel(testIndex, 1, 1023), dataset.test().pixel(3, 1, 31, 31));
        // Past the patterned records the sparse files read as zeros.
        assertEquals(0, dataset.train().label(49_999));
        assertEquals(0, dataset.test().pixel(9_999, 2, 31, 31));
    }

    @Test
    void folderThatIsAFileIsRejected() throws IOException {
        Path file = Files.write(dir.resolve("not-a-folder"), new byte[1]);

        Messages.inputError(() -> Cifar10.load(file), "not-a-folder is a file, not a folder");
    }

    private static void truncate(Path file, long length) throws IOException {
        try (RandomAccessFile out = new RandomAccessFile(file.toFile(), "rw")) {
            out.setLength(length);
        }
    }
}
