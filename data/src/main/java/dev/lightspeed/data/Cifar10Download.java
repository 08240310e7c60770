package dev.lightspeed.data;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

/**
 * Fetches the official CIFAR-10 binary archive and installs its six files into a folder; {@link ArchiveDownload}
 * says how nothing half-written is ever left where the reader looks.
 */
public final class Cifar10Download {

    public static final URI ARCHIVE_URL = Cifar10.ARCHIVE.url();
    public static final String ARCHIVE_MD5 = Cifar10.ARCHIVE.md5();

    private Cifar10Download() {
    }

    /** Downloads the official archive into {@code targetFolder}, which afterwards holds the six files. */
    public static void download(Path targetFolder, ProgressListener listener) {
        download(targetFolder, ARCHIVE_URL, listener);
    }

    /**
     * As {@link #download(Path, ProgressListener)} from another address (a mirror), still checked against the
     * official md5 sums.
     */
    public static void download(Path targetFolder, URI archiveUrl, ProgressListener listener) {
        ArchiveDownload.download(Cifar10.ARCHIVE, targetFolder, archiveUrl, listener);
    }

    /** With the expected sums supplied, so tests can serve a small archive of synthetic files. */
    static void download(Path targetFolder, URI archiveUrl, ProgressListener listener, String expectedArchiveMd5,
                         Map<String, String> expectedFileMd5) {
        ArchiveDownload.download(Cifar10.ARCHIVE.withSums(expectedArchiveMd5, expectedFileMd5), targetFolder,
                archiveUrl, listener);
    }
}
