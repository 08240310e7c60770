package dev.lightspeed.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Runs the command line in the test's process and checks what a user would see. */
final class CommandLineRun {

    /** Exit status and both outputs of one run. */
    record Outcome(int status, String out, String err) {
    }

    private CommandLineRun() {
    }

    static Outcome run(List<Command> commands, String... args) {
        return run(err -> commands, args);
    }

    /** For commands that print to standard error themselves (they are handed the run's error stream). */
    static Outcome run(Function<PrintStream, List<Command>> commands, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
        int status = new Main(commands.apply(errStream)).run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                errStream);
        return new Outcome(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Bad input: status 2 and one line naming {@code fragment}, no stack trace. */
    static void assertUsageError(Outcome outcome, String fragment) {
        assertEquals(Main.USAGE, outcome.status(), outcome.out() + outcome.err());
        assertEquals(1, outcome.err().lines().count(), "one line: " + outcome.err());
        assertTrue(outcome.err().contains(fragment), outcome.err());
        assertFalse(outcome.err().contains("Exception"), outcome.err());
    }

    /** The real CIFAR-10 folder; the test is skipped with a message where it is absent. */
    static String realCifar10() {
        String folder = System.getProperty("lightspeed.cifar10", System.getenv("LIGHTSPEED_CIFAR10"));
        assumeTrue(folder != null && Files.isDirectory(Path.of(folder)), "real CIFAR-10 not found; skipping");
        return folder;
    }
}
