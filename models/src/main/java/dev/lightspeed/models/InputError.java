package dev.lightspeed.models;

/**
 * Bad input that the user can fix (a missing file, a wrong flag value, an unusable device). The command line
 * prints its message as one line and exits with status 2; the message says what is wrong and what to do.
 */
public class InputError extends RuntimeException {

    public InputError(String message) {
        super(message);
    }

    public InputError(String message, Throwable cause) {
        super(message, cause);
    }
}
