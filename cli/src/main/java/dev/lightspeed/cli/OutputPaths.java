package dev.lightspeed.cli;

import dev.lightspeed.models.InputError;

import java.nio.file.Files;
import java.nio.file.Path;

/** Checks, before any long work, that a file a flag names can be written at the end of it. */
final class OutputPaths {

    private OutputPaths() {
    }

    /**
     * Refuses a path that is a folder, or whose nearest existing folder (missing folders are created when the file
     * is written) is not a writable folder.
     */
    static Path requireWritable(String flag, Path file) {
        if (Files.isDirectory(file)) {
            throw new InputError("cannot write " + flag + " " + file + ": it is a folder; name a file in it");
        }
        Path existing = file.toAbsolutePath().getParent();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null || !Files.isDirectory(existing) || !Files.isWritable(existing)) {
            throw new InputError("cannot write " + flag + " " + file + ": " + existing + " is not a writable folder");
        }
        return file;
    }

    /**
     * Refuses a folder that cannot be made or written: a path that is a file, or whose nearest existing folder is
     * not writable. Nothing is created; the folder is made when the work starts writing.
     */
    static Path requireWritableFolder(String flag, Path folder) {
        if (Files.exists(folder) && !Files.isDirectory(folder)) {
            throw new InputError(flag + " " + folder + " is a file; name a folder");
        }
        Path existing = folder.toAbsolutePath();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null || !Files.isDirectory(existing) || !Files.isWritable(existing)) {
            throw new InputError("cannot write " + flag + " " + folder + ": " + existing + " is not a writable folder");
        }
        return folder;
    }
}
