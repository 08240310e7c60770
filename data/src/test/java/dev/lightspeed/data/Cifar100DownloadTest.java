package dev.lightspeed.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** CIFAR-100 through the same download as CIFAR-10: its archive's layout, sum and files. */
class Cifar100DownloadTest {

    @TempDir
    Path dir;

    @Test
    void officialArchiveIsTheOnePublished() {
        assertEquals(URI.create("https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz"), Cifar100.ARCHIVE.url());
        assertEquals("03b5dce01913d631647c71ecec9e9cb8", Cifar100.ARCHIVE.md5());
        assertEquals("cifar-100-binary.tar.gz", Datasets.archiveName(DatasetKind.CIFAR100));
        assertEquals(Cifar100.ALL_FILES, Cifar100.ARCHIVE.files());
    }

    @Test
    void installsTheFourFilesFromAnArchiveOfTheOfficialLayout() throws IOException {
        Map<String, byte[]> layout = officialLayout();
        byte[] archive = SyntheticCifar.tarGz(layout);
        Path target = dir.resolve("cifar100");

        try (LocalHttpServer server = new LocalHttpServer()) {
            URI url = server.serve("/cifar-100-binary.tar.gz", archive);
            ArchiveDownload.download(Cifar100.ARCHIVE.withSums(Cifar10DownloadTest.md5(archive), Map.of()), target,
                    url, ProgressListener.none());
        }

        for (String name : Cifar100.ALL_FILES) {
            assertArrayEquals(layout.get("cifar-100-binary/" + name), Files.readAllBytes(target.resolve(name)), name);
        }
        assertFalse(Files.exists(target.resolve("readme.html")));
        assertEquals(List.of(target), Cifar10DownloadTest.listing(dir), "no temporary files are left");
        ImageSplit train = Cifar100.readSplit(List.of(target.resolve(Cifar100.TRAIN_FILE)), Cifar100.Labels.FINE);
        assertEquals(SyntheticCifar100.fine(4), train.label(4));
    }

    @Test
    void anArchiveOfAnotherSumIsRefusedWithNothingInstalled() throws IOException {
        byte[] archive = SyntheticCifar.tarGz(officialLayout());
        Path target = dir.resolve("cifar100");

        try (LocalHttpServer server = new LocalHttpServer()) {
            URI url = server.serve("/cifar-100-binary.tar.gz", archive);
            Messages.inputError(() -> ArchiveDownload.download(Cifar100.ARCHIVE, target, url,
                            ProgressListener.none()),
                    "expected 03b5dce01913d631647c71ecec9e9cb8", "cifar-100-binary.tar.gz yourself",
                    "fine_label_names.txt");
        }

        assertEquals(List.of(), Cifar10DownloadTest.listing(dir));
    }

    @Test
    void imageFoldersAreNotDownloaded() {
        Messages.inputErrorIn("download", () -> Datasets.download(DatasetKind.FOLDER, dir, ProgressListener.none()),
                "download applies to cifar10 and cifar100");
    }

    private static Map<String, byte[]> officialLayout() {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("cifar-100-binary/", new byte[0]);
        entries.put("cifar-100-binary/coarse_label_names.txt",
                SyntheticCifar100.names("coarse", 20).getBytes(StandardCharsets.UTF_8));
        entries.put("cifar-100-binary/fine_label_names.txt",
                SyntheticCifar100.names("fine", 100).getBytes(StandardCharsets.UTF_8));
        entries.put("cifar-100-binary/test.bin", SyntheticCifar100.records(3));
        entries.put("cifar-100-binary/train.bin", SyntheticCifar100.records(5));
        entries.put("cifar-100-binary/readme.html", "<html></html>".getBytes(StandardCharsets.UTF_8));
        return entries;
    }
}
