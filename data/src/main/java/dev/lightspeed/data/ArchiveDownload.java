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
import java.util.Set;
import java.util.stream.Stream;

import static dev.lightspeed.data.UserMessages.count;

/**
 * Fetches an official dataset archive and installs its data files into a folder.
 *
 * <p>Everything is written next to the target first (a hidden archive file and a hidden extraction folder in the
 * target's parent, so the final move is a rename on the same disk) and only checksum-verified files are moved in,
 * so an interrupted or corrupted download never leaves a half-written file where a reader would read it. The
 * temporary files are removed on failure, and on Ctrl-C by a shutdown hook.
 */
final class ArchiveDownload {

    private static final int CONNECT_TIMEOUT_MILLIS = 30_000;
    // Per read, not for the whole transfer: a slow link may take minutes, a stalled one should not hang forever.
    private static final int READ_TIMEOUT_MILLIS = 60_000;
    private static final int CHUNK_BYTES = 64 * 1024;

    private ArchiveDownload() {
    }

    /**
     * Downloads {@code official} from {@code archiveUrl} (its own address or a mirror, checked against its sums
     * either way) into {@code targetFolder}, which afterwards holds its files.
     */
    static void download(OfficialArchive official, Path targetFolder, URI archiveUrl, ProgressListener listener) {
        Path target = targetFolder.toAbsolutePath().normalize();
        Path parent = target.getParent();
        if (parent == null) {
            throw new InputError("cannot download " + official.datasetName() + " into " + target
                    + "; choose a data folder below it");
        }
        if (Files.exists(target) && !Files.isDirectory(target)) {
            throw new InputError(target + " is a file, not a folder; remove it or choose another data folder");
        }
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw new InputError("cannot create " + parent + " (" + Failures.oneLine(e)
                    + "); choose a data folder you can write to", e);
        }

        String uniqueSuffix = ProcessHandle.current().pid() + "-" + System.nanoTime();
        Path archive = parent.resolve("." + target.getFileName() + ".download-" + uniqueSuffix + ".tar.gz");
        Path staging = parent.resolve("." + target.getFileName() + ".extract-" + uniqueSuffix);
        Thread cleanupOnExit = new Thread(() -> deleteQuietly(archive, staging), "dataset-download-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanupOnExit);
        try {
            String archiveMd5 = fetch(official, archiveUrl, archive, target, listener);
            if (!archiveMd5.equalsIgnoreCase(official.md5())) {
                throw new InputError("the archive downloaded from " + archiveUrl + " has md5 " + archiveMd5
                        + ", expected " + official.md5() + " (corrupted or not the official file); download it again,"
                        + " or " + manualAdvice(official, target));
            }
            Set<String> extracted = extract(official, archive, staging, archiveUrl, target);
            for (String name : official.files()) {
                if (!extracted.contains(name)) {
                    throw new InputError("the archive downloaded from " + archiveUrl + " lacks " + name + "; "
                            + manualAdvice(official, target));
                }
            }
            verifyExtracted(official, staging, archiveUrl, target);
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
    private static String fetch(OfficialArchive official, URI url, Path archive, Path target,
                                ProgressListener listener) {
        URLConnection connection = connect(official, url, target);
        try {
            long total = connection.getContentLengthLong();
            MessageDigest digest = Md5.newDigest();
            byte[] chunk = new byte[CHUNK_BYTES];
            long done = 0;
            listener.update(0, total);
            try (InputStream body = openBody(official, connection, url, target);
                 OutputStream file = Files.newOutputStream(archive)) {
                for (int read = readChunk(official, body, chunk, url, target); read >= 0;
                     read = readChunk(official, body, chunk, url, target)) {
                    file.write(chunk, 0, read);
                    digest.update(chunk, 0, read);
                    done += read;
                    listener.update(done, total);
                }
            } catch (IOException e) {
                // Network failures are converted inside readChunk and openBody; what arrives here is local.
                throw new InputError("cannot write " + archive + " (" + Failures.oneLine(e) + "); free some space in "
                        + archive.getParent() + " or choose another data folder", e);
            }
            if (total > 0 && done != total) {
                throw cannotDownload(official, url, "the connection ended after " + count(done) + " of " + count(total)
                        + " bytes", target, null);
            }
            return Md5.hex(digest);
        } finally {
            if (connection instanceof HttpURLConnection http) {
                http.disconnect();
            }
        }
    }

    private static URLConnection connect(OfficialArchive official, URI url, Path target) {
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
                    throw cannotDownload(official, url, "HTTP " + status + (message == null ? "" : " " + message),
                            target, null);
                }
            }
            return connection;
        } catch (IOException | IllegalArgumentException e) {
            throw cannotDownload(official, url, Failures.oneLine(e), target, e);
        }
    }

    private static InputStream openBody(OfficialArchive official, URLConnection connection, URI url, Path target) {
        try {
            return connection.getInputStream();
        } catch (IOException e) {
            throw cannotDownload(official, url, Failures.oneLine(e), target, e);
        }
    }

    private static int readChunk(OfficialArchive official, InputStream body, byte[] chunk, URI url, Path target) {
        try {
            return body.read(chunk);
        } catch (IOException e) {
            throw cannotDownload(official, url, Failures.oneLine(e), target, e);
        }
    }

    private static Set<String> extract(OfficialArchive official, Path archive, Path staging, URI url, Path target) {
        Set<String> wanted = new LinkedHashSet<>(official.files());
        wanted.addAll(official.optionalFiles());
        try {
            Files.createDirectory(staging);
            return TarGzExtractor.extract(archive, staging, wanted, "downloaded from " + url,
                    official.datasetName());
        } catch (IOException e) {
            throw new InputError("cannot extract the archive downloaded from " + url + " into " + staging + " ("
                    + Failures.oneLine(e) + "); check free space in " + staging.getParent() + ", or "
                    + manualAdvice(official, target), e);
        }
    }

    /** Checks the files whose own sums are published; the archive's sum already vouches for the others. */
    private static void verifyExtracted(OfficialArchive official, Path staging, URI url, Path target) {
        for (String name : official.files()) {
            String expected = official.fileMd5().get(name);
            if (expected == null) {
                continue;
            }
            String actual;
            try {
                actual = Md5.ofFile(staging.resolve(name));
            } catch (IOException e) {
                throw new InputError("cannot read the extracted " + name + " in " + staging + " ("
                        + Failures.oneLine(e) + "); check the folder and download again", e);
            }
            if (!actual.equalsIgnoreCase(expected)) {
                throw new InputError(name + " in the archive downloaded from " + url + " has md5 " + actual
                        + ", expected " + expected + "; nothing was installed, " + manualAdvice(official, target));
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
                    + Failures.oneLine(e) + "); check that it is writable, or choose another data folder", e);
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

    private static String manualAdvice(OfficialArchive official, Path target) {
        return "download " + official.archiveFileName() + " yourself and extract it so that " + target + " holds "
                + official.fileList() + ", or choose another data folder";
    }

    private static InputError cannotDownload(OfficialArchive official, URI url, String why, Path target,
                                             Throwable cause) {
        return new InputError("cannot download " + official.datasetName() + " from " + url + " (" + why + "); "
                + manualAdvice(official, target), cause);
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
