package dev.lightspeed.models;

import java.util.Optional;

/**
 * Bad input that the caller can fix (a missing file, a wrong value, an unusable device), raised before anything is
 * written. The message says what is wrong and what to change in terms of the Java API or the recipe: a recipe field
 * ({@code batch-size}), a parameter of the call, a file. When one parameter is at fault, {@link #parameter()} names
 * it, and the message begins with that name, so that a front end can put its own name for it there (the command
 * line puts its flag). The command line prints the message as one line and exits with status 2.
 */
public class InputError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String parameter;

    public InputError(String message) {
        this(null, message, null);
    }

    public InputError(String message, Throwable cause) {
        this(null, message, cause);
    }

    private InputError(String parameter, String message, Throwable cause) {
        super(message, cause);
        if (parameter != null && !message.startsWith(parameter)) {
            throw new IllegalArgumentException("a message about " + parameter + " must begin with its name: "
                    + message);
        }
        this.parameter = parameter;
    }

    /**
     * Bad input in the one parameter {@code parameter} (a recipe field or a parameter of the call, in the recipe's
     * kebab-case), with a message that begins with that name: {@code "batch-size 60000 is larger than ..."}.
     */
    public static InputError in(String parameter, String message) {
        return new InputError(parameter, message, null);
    }

    /** The recipe field or call parameter at fault, when the error concerns one. */
    public Optional<String> parameter() {
        return Optional.ofNullable(parameter);
    }
}
