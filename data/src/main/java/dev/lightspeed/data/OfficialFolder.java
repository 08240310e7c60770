package dev.lightspeed.data;

import dev.lightspeed.models.InputError;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Where the files of an official dataset archive are: in the folder the user points at, or in the folder the
 * archive extracts to inside it.
 *
 * @param datasetName   how messages name the dataset, for example {@code CIFAR-10}
 * @param files         the files that must all be there
 * @param archiveFolder the folder the official archive extracts to
 * @param fileList      how advice names the files, short enough for a one-line message
 */
record OfficialFolder(String datasetName, List<String> files, String archiveFolder, String fileList) {

    OfficialFolder {
        files = List.copyOf(files);
    }

    /** The folder that actually holds the files: {@code dir} itself or its archive folder. */
    Path resolve(Path dir) {
        Path given = dir.toAbsolutePath().normalize();
        if (!Files.exists(given)) {
            throw new InputError(datasetName + " folder " + given + " does not exist; put " + fileList
                    + " there, download the dataset into it, or choose the folder that holds them");
        }
        if (!Files.isDirectory(given)) {
            throw new InputError(given + " is a file, not a folder; choose the folder that holds " + fileList);
        }
        Path folder = given;
        Path extracted = given.resolve(archiveFolder);
        if (presentFiles(given).isEmpty() && Files.isDirectory(extracted)) {
            folder = extracted;
        }
        requireAllPresent(folder);
        return folder;
    }

    /**
     * True when neither {@code dir} nor its archive folder holds any of the files (or {@code dir} does not exist):
     * the state in which a default location is filled by an automatic download. A partial set is not absent, so
     * it is reported rather than silently overwritten.
     */
    boolean holdsNoFiles(Path dir) {
        Path given = dir.toAbsolutePath().normalize();
        if (!Files.isDirectory(given) || !presentFiles(given).isEmpty()) {
            return !Files.isDirectory(given);
        }
        Path extracted = given.resolve(archiveFolder);
        return !Files.isDirectory(extracted) || presentFiles(extracted).isEmpty();
    }

    private List<String> presentFiles(Path folder) {
        return files.stream().filter(name -> Files.exists(folder.resolve(name))).toList();
    }

    private void requireAllPresent(Path folder) {
        List<String> present = presentFiles(folder);
        if (present.isEmpty()) {
            throw new InputError(folder + " holds no " + datasetName + " files; put " + fileList
                    + " there, download the dataset into it, or choose the folder that holds them");
        }
        List<String> missing = files.stream().filter(name -> !present.contains(name)).toList();
        if (!missing.isEmpty()) {
            String what = missing.size() == 1
                    ? missing.get(0) + " is missing"
                    : String.join(", ", missing) + " are missing";
            throw new InputError(what + " from " + folder + "; put all of " + fileList
                    + " there, or download the dataset into it");
        }
    }
}
