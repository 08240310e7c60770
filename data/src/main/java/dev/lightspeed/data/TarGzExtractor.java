package dev.lightspeed.data;

import dev.lightspeed.models.InputError;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Pulls chosen files out of a {@code .tar.gz}. Entries are matched by file name and written under that fixed name
 * directly into the destination, so an entry's folders never decide where anything lands; entries whose path
 * climbs out ({@code ..}) or is absolute still reject the whole archive, since such an archive is not the one we
 * asked for.
 */
final class TarGzExtractor {

    private TarGzExtractor() {
    }

    /**
     * @param archive            the {@code .tar.gz} to read
     * @param destination        an existing folder to write into
     * @param wantedNames        file names to extract, whatever folder they sit in inside the archive
     * @param archiveDescription how to name the archive in messages (for example its URL)
     * @param datasetName        the dataset the archive should hold, as messages name it
     * @return the names that were found and written
     */
    static Set<String> extract(Path archive, Path destination, Set<String> wantedNames, String archiveDescription,
                               String datasetName) throws IOException {
        Set<String> written = new LinkedHashSet<>();
        try (InputStream file = Files.newInputStream(archive);
             InputStream gzip = new GzipCompressorInputStream(new BufferedInputStream(file));
             TarArchiveInputStream tar = new TarArchiveInputStream(gzip)) {
            for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                String entryName = entry.getName();
                if (isUnsafe(entryName)) {
                    throw new InputError("the archive " + archiveDescription + " holds an unsafe path '"
                            + entryName.replaceAll("[\\r\\n]", "?") + "' and was not extracted; it is not the "
                            + "official " + datasetName + " archive, check the download URL");
                }
                String fileName = lastSegment(entryName);
                if (entry.isFile() && wantedNames.contains(fileName)) {
                    Files.copy(tar, destination.resolve(fileName), StandardCopyOption.REPLACE_EXISTING);
                    written.add(fileName);
                }
            }
        }
        return written;
    }

    static boolean isUnsafe(String entryName) {
        String slashed = entryName.replace('\\', '/');
        if (slashed.startsWith("/") || slashed.matches("^[A-Za-z]:.*")) {
            return true;
        }
        for (String segment : slashed.split("/")) {
            if (segment.equals("..")) {
                return true;
            }
        }
        return false;
    }

    private static String lastSegment(String entryName) {
        String slashed = entryName.replace('\\', '/');
        return slashed.substring(slashed.lastIndexOf('/') + 1);
    }
}
