package dev.lightspeed.data;

import dev.lightspeed.models.Failures;
import dev.lightspeed.models.InputError;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLConnection;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static dev.lightspeed.data.UserMessages.FILE_LIST;
import static dev.lightspeed.data.UserMessages.count;

/**
 * Fetches the official CIFAR-10 binary archive and installs its six files into a folder.
 *
 * <p>Everything is written next to the target first (a hidden archive file and a hidden extraction folder in the
 * target's parent, so the final move is a rename on the same disk) and only checksum-verified files are moved in,
 * so an interrupted or corrupted download never leaves a half-written file where {@link Cifar10#load} would read
 * it. The temporary files are removed on failure, and on Ctrl-C by a shutdown hook.
 */
public final class Cifar10Download {

    public static final URI ARCHIVE_URL = URI.create("https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz");
    public static final String ARCHIVE_MD5 = "c32a1d4ab5d03f1284b67883e8d87530";

    private static final int CONNECT_TIMEOUT_MILLIS = 30_000;
    // Per read, not for the whole transfer: a slow link may take minutes, a stalled one should not hang forever.
    private static final int READ_TIMEOUT_MILLIS = 60_000;
    private static final int CHUNK_BYTES = 64 * 1024;

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
        download(targetFolder, archiveUrl, listener, ARCHIVE_MD5, Cifar10.EXPECTED_MD5);
    }

    /** With the expected sums supplied, so tests can serve a small archive of synthetic files. */
    static void download(Path targetFolder, URI archiveUrl, ProgressListener listener, String expectedArchiveMd5,
                         Map<String, String> expectedFileMd5) {
        Path target = targetFolder.toAbsolutePath().normalize();
        Path parent = target.getParent();
        if (parent == null) {
            throw new InputError("cannot download CIFAR-10 into " + target + "; pass --data with a folder below it");
        }
        if (Files.exists(target) && !Files.isDirectory(target)) {
            throw new InputError(target + " is a file, not a folder; remove it or pass --data with another folder");
        }
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw new InputError("cannot create " + parent + " (" + Failures.oneLine(e)
                    + "); pass --data with a folder you can write to", e);
        }

        String uniqueSuffix = ProcessHandle.current().pid() + "-" + System.nanoTime();
        Path archive = parent.resolve("." + target.getFileName() + ".download-" + uniqueSuffix + ".tar.gz");
        Path staging = parent.resolve("." + target.getFileName() + ".extract-" + uniqueSuffix);
        Thread cleanupOnExit = new Thread(() -> deleteQuietly(archive, staging), "cifar10-download-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanupOnExit);
        try {
            String archiveMd5 = fetch(archiveUrl, archive, target, listener);
            if (!archiveMd5.equalsIgnoreCase(expectedArchiveMd5)) {
                throw new InputError("the archive downloaded from " + archiveUrl + " has md5 " + archiveMd5
                        + ", expected " + expectedArchiveMd5 + " (corrupted or not the official file); run with "
                        + "--download again, or " + manualAdvice(target));
            }
            Set<String> extracted = extract(archive, staging, archiveUrl, target);
            for (String name : Cifar10.ALL_FILES) {
                if (!extracted.contains(name)) {
                    throw new InputError("the archive downloaded from " + archiveUrl + " lacks " + name + "; "
                            + manualAdvice(target));
                }
            }
            verifyExtracted(staging, expectedFileMd5, archiveUrl, target);
            install(staging, target, extracted);
        } finally {
            deleteQuietly(archive, staging);
            try {
                Runtime.getRuntime().removeShutdownHook(cleanupOnExit);
            } catch (IllegalStateException alreadyShuttingDown) {
                // The hook is running or about to; it deletes the same files.
            }
        }
    }

    /** Streams the archive to {@code archive}, reporting progress, and returns its md5. */
    private static String fetch(URI url, Path archive, Path target, ProgressListener listener) {
        URLConnection connection = connect(url, target);
        try {
            long total = connection.getContentLengthLong();
            MessageDigest digest = Md5.newDigest();
            byte[] chunk = new byte[CHUNK_BYTES];
            long done = 0;
            listener.update(0, total);
            try (InputStream body = openBody(connection, url, target);
                 OutputStream file = Files.newOutputStream(archive)) {
                for (int read = readChunk(body, chunk, url, target); read >= 0;
                     read = readChunk(body, chunk, url, target)) {
                    file.write(chunk, 0, read);
                    digest.update(chunk, 0, read);
                    done += read;
                    listener.update(done, total);
                }
            } catch (IOException e) {
                // Network failures are converted inside readChunk and openBody; what arrives here is local.
                throw new InputError("cannot write " + archive + " (" + Failures.oneLine(e) + "); free some space in "
                        + archive.getParent() + " or pass --data with another folder", e);
            }
            if (total > 0 && done != total) {
                throw cannotDownload(url, "the connection ended after " + count(done) + " of " + count(total)
                        + " bytes", target, null);
            }
            return Md5.hex(digest);
        } finally {
            if (connection instanceof HttpURLConnection http) {
                http.disconnect();
            }
        }
    }

    private static URLConnection connect(URI url, Path target) {
        try {
            URLConnection connection = url.toURL().openConnection();
            connection.setConnectTimeout(CONNECT_TIMEOUT_MILLIS);
            connection.setReadTimeout(READ_TIMEOUT_MILLIS);
            connection.setRequestProperty("User-Agent", "lightspeed");
            if (connection instanceof HttpURLConnection http) {
                int status = http.getResponseCode();
                if (status != HttpURLConnection.HTTP_OK) {
                    String message = http.getResponseMessage();
                    http.disconnect();
                    throw cannotDownload(url, "HTTP " + status + (message == null ? "" : " " + message), target,
                            null);
                }
            }
            return connection;
        } catch (IOException | IllegalArgumentException e) {
            throw cannotDownload(url, Failures.oneLine(e), target, e);
        }
    }

    private static InputStream openBody(URLConnection connection, URI url, Path target) {
        try {
            return connection.getInputStream();
        } catch (IOException e) {
            throw cannotDownload(url, Failures.oneLine(e), target, e);
        }
    }

    private static int readChunk(InputStream body, byte[] chunk, URI url, Path target) {
        try {
            return body.read(chunk);
        } catch (IOException e) {
            throw cannotDownload(url, Failures.oneLine(e), target, e);
        }
    }

    private static Set<String> extract(Path archive, Path staging, URI url, Path target) {
        Set<String> wanted = new LinkedHashSet<>(Cifar10.ALL_FILES);
        wanted.add(Cifar10.META_FILE);
        try {
            Files.createDirectory(staging);
            return TarGzExtractor.extract(archive, staging, wanted, "downloaded from " + url);
        } catch (IOException e) {
            throw new InputError("cannot extract the archive downloaded from " + url + " into " + staging + " ("
                    + Failures.oneLine(e) + "); check free space in " + staging.getParent() + ", or "
                    + manualAdvice(target), e);
        }
    }

    private static void verifyExtracted(Path staging, Map<String, String> expectedMd5, URI url, Path target) {
        for (String name : Cifar10.ALL_FILES) {
            String actual;
            try {
                actual = Md5.ofFile(staging.resolve(name));
            } catch (IOException e) {
                throw new InputError("cannot read the extracted " + name + " in " + staging + " ("
                        + Failures.oneLine(e) + "); check the folder and run with --download again", e);
            }
            String expected = expectedMd5.get(name);
            if (!actual.equalsIgnoreCase(expected)) {
                throw new InputError(name + " in the archive downloaded from " + url + " has md5 " + actual
                        + ", expected " + expected + "; nothing was installed, " + manualAdvice(target));
            }
        }
    }

    /** Moves the verified files into {@code target}, each appearing whole or not at all. */
    private static void install(Path staging, Path target, Set<String> names) {
        try {
            if (!Files.exists(target)) {
                try {
                    Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
                    return;
                } catch (FileAlreadyExistsException | DirectoryNotEmptyException | AtomicMoveNotSupportedException e) {
                    // Created meanwhile, or on another disk: fall back to moving file by file.
                }
            }
            Files.createDirectories(target);
            for (String name : names) {
                moveIntoPlace(staging.resolve(name), target.resolve(name));
            }
        } catch (IOException e) {
            throw new InputError("cannot move the downloaded files into " + target + " ("
                    + Failures.oneLine(e) + "); check that it is writable, or pass --data with another folder", e);
        }
    }

    private static void moveIntoPlace(Path source, Path destination) throws IOException {
        try {
            Files.move(source, destination, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            // The target is a mount point of its own: copy beside the final name, then rename on that disk.
            Path partial = destination.resolveSibling("." + destination.getFileName() + ".part");
            try {
                Files.copy(source, partial, StandardCopyOption.REPLACE_EXISTING);
                Files.move(partial, destination, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(partial);
            }
        }
    }

    private static String manualAdvice(Path target) {
        return "download cifar-10-binary.tar.gz yourself and extract it so that " + target + " holds " + FILE_LIST
                + ", or pass --data DIR";
    }

    private static InputError cannotDownload(URI url, String why, Path target, Throwable cause) {
        return new InputError("cannot download CIFAR-10 from " + url + " (" + why + "); " + manualAdvice(target),
                cause);
    }

    private static void deleteQuietly(Path... paths) {
        for (Path path : paths) {
            if (!Files.exists(path)) {
                continue;
            }
            try (Stream<Path> tree = Files.walk(path)) {
                List<Path> deepestFirst = tree.sorted(Comparator.reverseOrder()).toList();
                for (Path each : deepestFirst) {
                    Files.deleteIfExists(each);
                }
            } catch (IOException | RuntimeException e) {
                // Best effort: a leftover hidden temp file must not mask the error that got us here.
            }
        }
    }
}
