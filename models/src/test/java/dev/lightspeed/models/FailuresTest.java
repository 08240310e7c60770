package dev.lightspeed.models;

import org.junit.jupiter.api.Test;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class FailuresTest {

    @Test
    void fileSystemFailuresBecomePlainPhrasesWithoutThePath() {
        assertEquals("no such file or folder", Failures.oneLine(new NoSuchFileException("/x/y")));
        assertEquals("permission denied", Failures.oneLine(new AccessDeniedException("/x/y")));
        assertEquals("No space left on device",
                Failures.oneLine(new FileSystemException("/x/y", null, "No space left on device")));
        assertEquals("permission denied",
                Failures.oneLine(new FileNotFoundException("/x/y (Permission denied)")));
    }

    @Test
    void aRealMissingFileReadsAsMissing() {
        IOException missing = assertThrows(IOException.class, () -> Files.readAllBytes(Path.of("/no/such/file")));
        assertEquals("no such file or folder", Failures.oneLine(missing));
    }

    @Test
    void networkFailuresNameWhatWentWrong() {
        assertEquals("unknown host example.invalid", Failures.oneLine(new UnknownHostException("example.invalid")));
        assertEquals("connection refused", Failures.oneLine(new ConnectException("Connection refused")));
        assertEquals("timed out", Failures.oneLine(new SocketTimeoutException("Read timed out")));
    }

    @Test
    void uncheckedWrappersAreLookedThrough() {
        assertEquals("permission denied",
                Failures.oneLine(new UncheckedIOException(new AccessDeniedException("/x"))));
    }

    @Test
    void aMultiLineMessageKeepsItsFirstLineOnly() {
        assertEquals("Load model failed: bad protobuf", Failures.oneLine(
                new IllegalStateException("  Load model failed: bad protobuf  \n\tat native frame\n")));
    }

    @Test
    void aFailureWithoutMessageIsNamedByItsKind() {
        assertEquals("input/output error", Failures.oneLine(new IOException()));
        assertEquals("IllegalStateException", Failures.oneLine(new IllegalStateException(" ")));
    }
}
