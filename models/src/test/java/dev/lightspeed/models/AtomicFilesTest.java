package dev.lightspeed.models;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class AtomicFilesTest {

    @TempDir
    Path folder;

    @Test
    void writesIntoNewFoldersAndReplacesTheOldFileWhole() throws IOException {
        Path target = folder.resolve("a/b/file.bin");
        AtomicFiles.write(target, new byte[] {1, 2, 3});
        AtomicFiles.write(target, new byte[] {4, 5});

        assertArrayEquals(new byte[] {4, 5}, Files.readAllBytes(target));
        assertEquals(1, count(target.getParent()), "no temporary file is left beside it");
    }

    @Test
    void aFailedWriteKeepsTheOldFileAndLeavesNoTemporaryFile() throws IOException {
        Path target = folder.resolve("file.bin");
        AtomicFiles.write(target, new byte[] {7});

        IOException failure = assertThrows(IOException.class, () -> AtomicFiles.write(target, channel -> {
            channel.write(ByteBuffer.wrap(new byte[] {8, 9}));
            throw new IOException("disk full");
        }));

        assertEquals("disk full", failure.getMessage());
        assertArrayEquals(new byte[] {7}, Files.readAllBytes(target));
        assertEquals(1, count(folder));
    }

    private static long count(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.count();
        }
    }
}
