package dev.lightspeed.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;

class Cifar10ChecksumTest {

    @TempDir
    Path dir;

    @Test
    void matchingSumsPass() throws IOException {
        SyntheticCifar.writeSmallSet(dir, 2);

        assertDoesNotThrow(() -> Cifar10.verifyChecksums(dir, SyntheticCifar.md5s(dir)));
    }

    @Test
    void mismatchingFileIsNamedWithBothSums() throws IOException {
        SyntheticCifar.writeSmallSet(dir, 2);
        Map<String, String> expected = new LinkedHashMap<>(SyntheticCifar.md5s(dir));
        String actual = expected.get("data_batch_4.bin");
        expected.put("data_batch_4.bin", "00000000000000000000000000000000");

        Messages.inputError(() -> Cifar10.verifyChecksums(dir, expected),
                "data_batch_4.bin has md5 " + actual, "expected 00000000000000000000000000000000", "--download");
    }

    @Test
    void syntheticFilesFailTheOfficialSums() throws IOException {
        SyntheticCifar.writeSmallSet(dir, 1);

        Messages.inputError(() -> Cifar10.verifyChecksums(dir), "data_batch_1.bin has md5",
                "expected 5dd7e06a14cb22eb9f671a540d1b7c25");
    }
}
