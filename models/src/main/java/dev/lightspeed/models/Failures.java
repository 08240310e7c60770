package dev.lightspeed.models;

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
 * The reason of a failure as a short phrase for inside the parentheses of an {@link InputError} message. The
 * command line prints those messages verbatim, so the phrase never spans lines and says in plain words what an
 * exception's class name would say; the surrounding sentence names the file, so the phrase leaves it out where
 * the exception repeats it.
 */
public final class Failures {

    private static final Pattern TRAILING_PARENTHESES = Pattern.compile("\\(([^()]*)\\)$");

    private Failures() {
    }

    public static String oneLine(Throwable failure) {
        Throwable cause = failure instanceof UncheckedIOException && failure.getCause() != null
                ? failure.getCause() : failure;
        String detail = firstLine(cause.getMessage());
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
            // FileInputStream reports "<path> (<reason>)".
            Matcher parenthesized = TRAILING_PARENTHESES.matcher(detail);
            return parenthesized.find() ? parenthesized.group(1).toLowerCase(Locale.ROOT) : "no such file";
        }
        if (cause instanceof FileSystemException fileSystemFailure && fileSystemFailure.getReason() != null) {
            // Its plain message repeats the path.
            return firstLine(fileSystemFailure.getReason());
        }
        if (!detail.isEmpty()) {
            return detail;
        }
        return cause instanceof IOException ? "input/output error" : cause.getClass().getSimpleName();
    }

    /** Later lines of a message are detail (native stack frames, hints) that a one-line error has no room for. */
    private static String firstLine(String text) {
        return text == null ? "" : text.strip().lines().findFirst().orElse("").strip();
    }
}
