package dev.lightspeed.data;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Cifar10DownloadTest {

    private static final int RECORDS_PER_FILE = 3;

    @TempDir
    Path dir;

    private LocalHttpServer server;

    @BeforeEach
    void startServer() throws IOException {
        server = new LocalHttpServer();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    @Test
    void downloadsVerifiesAndInstallsIntoANewFolder() throws IOException {
        Map<String, byte[]> layout = SyntheticCifar.officialLayout(RECORDS_PER_FILE);
        byte[] archive = SyntheticCifar.tarGz(layout);
        URI url = serve("/cifar-10-binary.tar.gz", archive);
        Path target = dir.resolve("cache").resolve("cifar10");
        List<long[]> progress = new ArrayList<>();

        Cifar10Download.download(target, url, (done, total) -> progress.add(new long[] {done, total}),
                md5(archive), expectedFileMd5(layout));

        for (String name : Cifar10.ALL_FILES) {
            assertArrayEquals(layout.get("cifar-10-batches-bin/" + name), Files.readAllBytes(target.resolve(name)),
                    name);
        }
        assertTrue(Files.exists(target.resolve(Cifar10.META_FILE)));
        assertFalse(Files.exists(target.resolve("readme.html")), "only the data files are installed");
        assertEquals(List.of(target), listing(target.getParent()), "no temporary files are left next to it");
        long[] last = progress.get(progress.size() - 1);
        assertEquals(archive.length, last[0]);
        assertEquals(archive.length, last[1]);

        ImageSplit train = Cifar10.readSplit(Cifar10.TRAIN_FILES.stream().map(target::resolve).toList());
        assertEquals(5 * RECORDS_PER_FILE, train.count());
        assertEquals(SyntheticCifar.label(SyntheticCifar.globalIndex(4, 2)), train.label(4 * RECORDS_PER_FILE + 2));
    }

    @Test
    void installsIntoAnExistingEmptyFolder() throws IOException {
        Map<String, byte[]> layout = SyntheticCifar.officialLayout(RECORDS_PER_FILE);
        byte[] archive = SyntheticCifar.tarGz(layout);
        URI url = serve("/a.tar.gz", archive);
        Path target = Files.createDirectories(dir.resolve("cifar10"));

        Cifar10Download.download(target, url, ProgressListener.none(), md5(archive), expectedFileMd5(layout));

        assertEquals(layout.get("cifar-10-batches-bin/test_batch.bin").length,
                Files.size(target.resolve("test_batch.bin")));
        assertEquals(List.of(target), listing(dir));
    }

    @Test
    void archiveWithWrongMd5LeavesNothingBehind() throws IOException {
        Map<String, byte[]> layout = SyntheticCifar.officialLayout(RECORDS_PER_FILE);
        byte[] archive = SyntheticCifar.tarGz(layout);
        URI url = serve("/a.tar.gz", archive);
        Path target = Files.createDirectories(dir.resolve("cifar10"));

        Messages.inputError(() -> Cifar10Download.download(target, url, ProgressListener.none(),
                        "0123456789abcdef0123456789abcdef", expectedFileMd5(layout)),
                "has md5 " + md5(archive), "expected 0123456789abcdef0123456789abcdef", url.toString());

        assertEquals(List.of(), listing(target), "no partial file in the target");
        assertEquals(List.of(target), listing(dir), "temporary archive removed");
    }

    @Test
    void officialSumsRejectAnythingElse() throws IOException {
        byte[] archive = SyntheticCifar.tarGz(SyntheticCifar.officialLayout(1));
        URI url = serve("/a.tar.gz", archive);
        Path target = dir.resolve("cifar10");

        Messages.inputError(() -> Cifar10Download.download(target, url, ProgressListener.none()),
                "expected " + Cifar10Download.ARCHIVE_MD5);

        assertFalse(Files.exists(target));
        assertEquals(List.of(), listing(dir));
    }

    @Test
    void extractedFileWithWrongMd5IsNamedAndNothingIsInstalled() throws IOException {
        Map<String, byte[]> layout = SyntheticCifar.officialLayout(RECORDS_PER_FILE);
        byte[] archive = SyntheticCifar.tarGz(layout);
        URI url = serve("/a.tar.gz", archive);
        Path target = Files.createDirectories(dir.resolve("cifar10"));
        Map<String, String> expected = expectedFileMd5(layout);
        expected.put("data_batch_4.bin", "ffffffffffffffffffffffffffffffff");

        Messages.inputError(() -> Cifar10Download.download(target, url, ProgressListener.none(), md5(archive),
                expected), "data_batch_4.bin", "expected ffffffffffffffffffffffffffffffff");

        assertEquals(List.of(), listing(target));
        assertEquals(List.of(target), listing(dir), "temporary archive and extraction folder removed");
    }

    @Test
    void archiveLackingAFileIsReported() throws IOException {
        Map<String, byte[]> layout = SyntheticCifar.officialLayout(RECORDS_PER_FILE);
        Map<String, String> expected = expectedFileMd5(layout);
        layout.remove("cifar-10-batches-bin/test_batch.bin");
        byte[] archive = SyntheticCifar.tarGz(layout);
        URI url = serve("/a.tar.gz", archive);
        Path target = dir.resolve("cifar10");

        Messages.inputError(() -> Cifar10Download.download(target, url, ProgressListener.none(), md5(archive),
                expected), "lacks test_batch.bin");

        assertEquals(List.of(), listing(dir));
    }

    @Test
    void pathTraversalInTheArchiveIsRefused() throws IOException {
        Map<String, byte[]> layout = SyntheticCifar.officialLayout(RECORDS_PER_FILE);
        layout.put("cifar-10-batches-bin/../../escaped.bin", new byte[] {1, 2, 3});
        byte[] archive = SyntheticCifar.tarGz(layout);
        URI url = serve("/a.tar.gz", archive);
        Path target = dir.resolve("deep").resolve("cifar10");

        Messages.inputError(() -> Cifar10Download.download(target, url, ProgressListener.none(), md5(archive),
                expectedFileMd5(layout)), "unsafe path", "escaped.bin");

        try (Stream<Path> everything = Files.walk(dir)) {
            assertEquals(List.of(dir, dir.resolve("deep")), everything.sorted().toList());
        }
    }

    @Test
    void unreachableHostSaysWhereToPutTheFiles() throws IOException {
        Path target = dir.resolve("cifar10");

        Messages.inputError(() -> Cifar10Download.download(target, URI.create("http://127.0.0.1:1/"),
                        ProgressListener.none()),
                "cannot download CIFAR-10 from http://127.0.0.1:1/", "cifar-10-binary.tar.gz",
                target + " holds data_batch_1.bin", "choose another data folder");

        assertFalse(Files.exists(target));
        assertEquals(List.of(), listing(dir));
    }

    @Test
    void httpErrorIsReportedWithItsStatus() throws IOException {
        Path target = dir.resolve("cifar10");
        URI missing = server.address("/missing.tar.gz");

        Messages.inputError(() -> Cifar10Download.download(target, missing, ProgressListener.none()),
                "HTTP 404", missing.toString(), "choose another data folder");

        assertEquals(List.of(), listing(dir));
    }

    @Test
    void targetThatIsAFileIsRejectedBeforeDownloading() throws IOException {
        Path target = Files.write(dir.resolve("cifar10"), new byte[0]);

        Messages.inputError(() -> Cifar10Download.download(target, URI.create("http://127.0.0.1:1/"),
                ProgressListener.none()), "is a file, not a folder");
    }

    private URI serve(String path, byte[] body) {
        return server.serve(path, body);
    }

    private static Map<String, String> expectedFileMd5(Map<String, byte[]> layout) {
        Map<String, String> sums = new LinkedHashMap<>();
        for (String name : Cifar10.ALL_FILES) {
            sums.put(name, md5(layout.get("cifar-10-batches-bin/" + name)));
        }
        return sums;
    }

    static String md5(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    static List<Path> listing(Path folder) throws IOException {
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.sorted().toList();
        }
    }
}
