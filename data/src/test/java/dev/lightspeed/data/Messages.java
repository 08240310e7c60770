package dev.lightspeed.data;

import dev.lightspeed.models.InputError;
import org.junit.jupiter.api.function.Executable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Assertions on user-facing errors, which the command line prints as a single line. */
final class Messages {

    private Messages() {
    }

    /** Runs {@code action}, expects an InputError, checks it is one line containing every fragment, returns it. */
    static String inputError(Executable action, String... fragments) {
        return oneLine(assertThrows(InputError.class, action), fragments);
    }

    /** As {@link #inputError}, and the error names {@code parameter} as the one at fault, its message's first word. */
    static String inputErrorIn(String parameter, Executable action, String... fragments) {
        InputError error = assertThrows(InputError.class, action);
        assertEquals(parameter, error.parameter().orElse(null), error::getMessage);
        return oneLine(error, fragments);
    }

    private static String oneLine(InputError error, String... fragments) {
        String message = error.getMessage();
        assertFalse(message.contains("\n") || message.contains("\r"), () -> "message spans lines: " + message);
        assertFalse(message.contains("Exception"), () -> "message exposes an exception name: " + message);
        for (String fragment : fragments) {
            assertTrue(message.contains(fragment), () -> "expected '" + fragment + "' in: " + message);
        }
        return message;
    }
}
