package dev.lightspeed.cli;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

import java.io.PrintStream;

/** One subcommand of the command line: its flags and what it does with them. */
public interface Command {

    String name();

    /** One line for the overview that {@code lightspeed --help} prints. */
    String summary();

    /** Usage line after the command name, e.g. {@code "--model FILE [options]"}. */
    String usage();

    Options options();

    /**
     * Runs the command. Returns the process exit status (0 on success). Bad input is reported by throwing
     * {@link dev.lightspeed.models.InputError}, which {@link Main} prints as one line with status 2.
     */
    int run(CommandLine line, PrintStream out) throws Exception;

    /**
     * Whether the command polls {@link Interruption#requested()} and stops cleanly on Ctrl-C; {@link Main} then
     * holds the process open (briefly) until the command has ended.
     */
    default boolean stopsOnRequest() {
        return false;
    }
}
