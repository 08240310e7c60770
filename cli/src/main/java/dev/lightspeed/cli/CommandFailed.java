package dev.lightspeed.cli;

/**
 * A command that ran but whose work failed (a run that diverged): one line, already in the command line's words,
 * and exit status 1.
 */
final class CommandFailed extends RuntimeException {

    private static final long serialVersionUID = 1L;

    CommandFailed(String message) {
        super(message);
    }
}
