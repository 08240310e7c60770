package dev.lightspeed.data;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Pieces of the one-line messages carried by {@code InputError}: the command line prints them verbatim, so they
 * must never span lines or expose exception class names when a plain phrase says the same.
 */
final class UserMessages {

    /** How the six files are named in advice, short enough to keep messages on one readable line. */
    static final String FILE_LIST = "data_batch_1.bin ... data_batch_5.bin and test_batch.bin";

    private static final Pattern TRAILING_PARENTHESES = Pattern.compile("\\(([^()]*)\\)$");

    private UserMessages() {
    }

    /** A count with thousands separators, independent of the user's locale so messages read the same everywhere. */
    static String count(long value) {
        return String.format(Locale.ROOT, "%,d", value);
    }

    /** A short, single-line reason for a failure, suitable inside parentheses. */
    static String reason(Throwable failure) {
        Throwable cause = failure instanceof UncheckedIOException && failure.getCause() != null
                ? failure.getCause() : failure;
        String detail = singleLine(cause.getMessage());
        if (cause instanceof UnknownHostException) {
            return "unknown host " + detail;
        }
        if (cause instanceof ConnectException) {
            return detail.isEmpty() ? "connection refused" : detail.toLowerCase(Locale.ROOT);
        }
        if (cause instanceof NoRouteToHostException) {
            return "no route to host";
        }
        if (cause instanceof SocketTimeoutException) {
            return "timed out";
        }
        if (cause instanceof NoSuchFileException) {
            return "no such file or folder";
        }
        if (cause instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (cause instanceof NotDirectoryException) {
            return "not a folder";
        }
        if (cause instanceof FileNotFoundException) {
            // FileInputStream reports "<path> (<reason>)"; the sentence around us already names the path.
            Matcher parenthesized = TRAILING_PARENTHESES.matcher(detail);
            return parenthesized.find() ? parenthesized.group(1).toLowerCase(Locale.ROOT) : "no such file";
        }
        if (cause instanceof FileSystemException fileSystemFailure && fileSystemFailure.getReason() != null) {
            // The plain message repeats the path, which the surrounding sentence already names.
            return singleLine(fileSystemFailure.getReason());
        }
        if (!detail.isEmpty()) {
            return detail;
        }
        return cause instanceof IOException ? "input/output error" : cause.getClass().getSimpleName();
    }

    private static String singleLine(String text) {
        return text == null ? "" : text.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
    }
}
