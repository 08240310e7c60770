package dev.lightspeed.data;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A dataset archive as its authors publish it: where it is, its checksum, and the files it must yield.
 *
 * @param datasetName   how messages name the dataset, for example {@code CIFAR-10}
 * @param url           the official address
 * @param md5           the published md5 of the archive
 * @param files         the files to install; the archive must hold every one, in any folder
 * @param optionalFiles further files installed when the archive holds them
 * @param fileMd5       published md5 sums of single files, checked after extraction; files without one are
 *                      vouched for by the archive's sum
 * @param fileList      how advice names the files, short enough for a one-line message
 */
record OfficialArchive(String datasetName, URI url, String md5, List<String> files, Set<String> optionalFiles,
                       Map<String, String> fileMd5, String fileList) {

    OfficialArchive {
        files = List.copyOf(files);
        optionalFiles = Set.copyOf(optionalFiles);
        fileMd5 = Map.copyOf(fileMd5);
    }

    /** The archive's name as published, for advice on fetching it by hand. */
    String archiveFileName() {
        String path = url.getPath();
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /** This archive expected with other sums, so tests can serve small synthetic archives. */
    OfficialArchive withSums(String archiveMd5, Map<String, String> sumsOfFiles) {
        return new OfficialArchive(datasetName, url, archiveMd5, files, optionalFiles, sumsOfFiles, fileList);
    }
}
