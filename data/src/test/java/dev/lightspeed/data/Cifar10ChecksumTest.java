package dev.lightspeed.data;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The md5 helper against digests published by others, and the CIFAR-10 checks built on it. */
class Cifar10ChecksumTest {

    private record Vector(String message, String md5) {
    }

    /** The test suite of RFC 1321, appendix A.5. */
    private static final List<Vector> RFC_1321_SUITE = List.of(
            new Vector("", "d41d8cd98f00b204e9800998ecf8427e"),
            new Vector("a", "0cc175b9c0f1b6a831c399e269772661"),
            new Vector("abc", "900150983cd24fb0d6963f7d28e17f72"),
            new Vector("message digest", "f96b697d7cb7938d525a2f31aaf161d0"),
            new Vector("abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"),
            new Vector("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
                    "d174ab98d277d9f5a5611c2c9f419d9f"),
            new Vector("1234567890".repeat(8), "57edf4a22be3c955ac49da2e2107b67a"));

    /** The sums published with the official CIFAR-10 binary files and archive (see the dataset's home page). */
    private static final Map<String, String> PUBLISHED_FILE_MD5 = Map.of(
            "data_batch_1.bin", "5dd7e06a14cb22eb9f671a540d1b7c25",
            "data_batch_2.bin", "5ea93a67294ea407fff1d09f752e9692",
            "data_batch_3.bin", "942cd6a4bcdd0dd3c604fbe906cb4421",
            "data_batch_4.bin", "ae636b3ba5c66a11e91e8cb52e771fcb",
            "data_batch_5.bin", "53f37980c15c3d472c316c40844f3f0d",
            "test_batch.bin", "803d5f7f4d78ea53de84dbe85f74fb6d");
    private static final String PUBLISHED_ARCHIVE_MD5 = "c32a1d4ab5d03f1284b67883e8d87530";

    @TempDir
    Path dir;

    @Test
    void fileDigestsMatchTheRfc1321Suite() throws IOException {
        for (Vector vector : RFC_1321_SUITE) {
            Path file = Files.writeString(dir.resolve("message.txt"), vector.message(), StandardCharsets.US_ASCII);
            assertEquals(vector.md5(), Md5.ofFile(file), "md5 of \"" + vector.message() + "\"");
        }
    }

    @Test
    void streamedDigestsMatchTheRfc1321Suite() {
        // The download digests the archive as it arrives, in pieces of whatever size the network delivers.
        for (Vector vector : RFC_1321_SUITE) {
            byte[] message = vector.message().getBytes(StandardCharsets.US_ASCII);
            MessageDigest digest = Md5.newDigest();
            for (int from = 0; from < message.length; from += 3) {
                digest.update(message, from, Math.min(3, message.length - from));
            }
            assertEquals(vector.md5(), Md5.hex(digest), "md5 of \"" + vector.message() + "\"");
        }
    }

    @Test
    void filesWithTheirKnownDigestsPass() throws IOException {
        Map<String, String> expected = writeRfcMessagesAsDataFiles();

        assertDoesNotThrow(() -> Cifar10.verifyChecksums(dir, expected));
    }

    @Test
    void mismatchingFileIsNamedWithBothSums() throws IOException {
        Map<String, String> expected = writeRfcMessagesAsDataFiles();
        String actual = expected.get("data_batch_4.bin");
        expected.put("data_batch_4.bin", "00000000000000000000000000000000");

        Messages.inputError(() -> Cifar10.verifyChecksums(dir, expected),
                "data_batch_4.bin has md5 " + actual, "expected 00000000000000000000000000000000",
                "download the dataset again");
    }

    @Test
    void syntheticFilesFailTheOfficialSums() throws IOException {
        SyntheticCifar.writeSmallSet(dir, 1);

        Messages.inputError(() -> Cifar10.verifyChecksums(dir), "data_batch_1.bin has md5",
                "expected 5dd7e06a14cb22eb9f671a540d1b7c25");
    }

    @Test
    void theReaderChecksAgainstThePublishedSums() {
        assertEquals(PUBLISHED_FILE_MD5, Cifar10.EXPECTED_MD5);
        assertEquals(PUBLISHED_ARCHIVE_MD5, Cifar10Download.ARCHIVE_MD5);
    }

    @Test
    void realFilesHaveThePublishedSums() throws IOException {
        Path folder = RealCifar10Test.realDataFolder();
        Assumptions.assumeTrue(folder != null, "real CIFAR-10 not present; set -Dlightspeed.cifar10 or "
                + DataLocation.ENVIRONMENT_VARIABLE + " to check the md5 helper against the published sums");
        Path files = Cifar10.resolveFolder(folder);

        for (Map.Entry<String, String> published : PUBLISHED_FILE_MD5.entrySet()) {
            assertEquals(published.getValue(), Md5.ofFile(files.resolve(published.getKey())), published.getKey());
        }
    }

    /** Six data files holding the first six RFC 1321 messages; returns each file's known digest. */
    private Map<String, String> writeRfcMessagesAsDataFiles() throws IOException {
        Map<String, String> expected = new LinkedHashMap<>();
        for (int i = 0; i < Cifar10.ALL_FILES.size(); i++) {
            String name = Cifar10.ALL_FILES.get(i);
            Files.writeString(dir.resolve(name), RFC_1321_SUITE.get(i).message(), StandardCharsets.US_ASCII);
            expected.put(name, RFC_1321_SUITE.get(i).md5());
        }
        return expected;
    }
}
