package dev.lightspeed.data;

import dev.lightspeed.models.InputError;
import org.junit.jupiter.api.function.Executable;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Assertions on user-facing errors, which the command line prints as a single line. */
final class Messages {

    private Messages() {
    }

    /** Runs {@code action}, expects an InputError, checks it is one line containing every fragment, returns it. */
    static String inputError(Executable action, String... fragments) {
        InputError error = assertThrows(InputError.class, action);
        String message = error.getMessage();
        assertFalse(message.contains("\n") || message.contains("\r"), () -> "message spans lines: " + message);
        assertFalse(message.contains("Exception"), () -> "message exposes an exception name: " + message);
        for (String fragment : fragments) {
            assertTrue(message.contains(fragment), () -> "expected '" + fragment + "' in: " + message);
        }
        return message;
    }
}
