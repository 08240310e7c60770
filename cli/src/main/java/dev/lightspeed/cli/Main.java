package dev.lightspeed.cli;

import dev.lightspeed.models.InputError;
import dev.lightspeed.models.RunInterrupted;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.HelpFormatter;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Entry point: {@code lightspeed COMMAND [options]}. */
public final class Main {

    public static final int OK = 0;
    /** A run that failed: it diverged, ran out of memory, or a native library failed. */
    public static final int FAILED = 1;
    /** Bad input: nothing was written. */
    public static final int USAGE = 2;
    /** Conventional status of a process stopped by SIGINT. */
    public static final int INTERRUPTED = 130;

    private final Map<String, Command> commands = new LinkedHashMap<>();

    Main(List<Command> commands) {
        commands.forEach(c -> this.commands.put(c.name(), c));
    }

    static Main standard() {
        return new Main(List.of(new TrainCommand(), new SweepCommand(System.getenv()), new ReportCommand(),
                new ExportCommand(), new EvalCommand(), new PredictCommand(), new ProfileCommand()));
    }

    public static void main(String[] args) {
        System.exit(standard().run(args, System.out, System.err));
    }

    int run(String[] args, PrintStream out, PrintStream err) {
        boolean verbose = Arrays.asList(args).contains("--verbose");
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
            printOverview(out);
            return args.length == 0 ? USAGE : OK;
        }
        if (args[0].equals("--version")) {
            out.println("lightspeed " + Version.current());
            return OK;
        }
        Command command = commands.get(args[0]);
        if (command == null) {
            err.println("lightspeed: unknown command '" + args[0] + "'; commands: " + String.join(", ", commands.keySet())
                    + " (see lightspeed --help)");
            return USAGE;
        }
        Options options = command.options();
        options.addOption(Option.builder("h").longOpt("help").desc("show this help").get());
        options.addOption(Option.builder().longOpt("verbose").desc("show stack traces of errors").get());
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        CommandLine line;
        try {
            line = new DefaultParser(false).parse(options, rest);
        } catch (ParseException e) {
            err.println("lightspeed " + command.name() + ": " + e.getMessage()
                    + " (see lightspeed " + command.name() + " --help)");
            return USAGE;
        }
        if (line.hasOption("help")) {
            printHelp(command, options, out);
            return OK;
        }
        if (!command.stopsOnRequest()) {
            return runReporting(command, line, options, verbose, out, err);
        }
        // Closed only after the command's last line is printed: a Ctrl-C shutdown waits for it.
        Interruption interruption = Interruption.install();
        try {
            return runReporting(command, line, options, verbose, out, err);
        } finally {
            interruption.close();
        }
    }

    /** Runs the command and turns what it throws into one line on {@code err} and an exit status. */
    private static int runReporting(Command command, CommandLine line, Options options, boolean verbose,
            PrintStream out, PrintStream err) {
        try {
            return command.run(line, out);
        } catch (InputError e) {
            err.println("lightspeed " + command.name() + ": " + worded(e, options));
            if (verbose) {
                e.printStackTrace(err);
            }
            return USAGE;
        } catch (RunInterrupted e) {
            err.println("lightspeed " + command.name() + ": " + e.getMessage());
            return INTERRUPTED;
        } catch (CommandFailed e) {
            err.println("lightspeed " + command.name() + ": " + e.getMessage());
            return FAILED;
        } catch (OutOfMemoryError e) {
            err.println("lightspeed " + command.name() + ": failed: out of Java heap memory (" + e.getMessage()
                    + "); give the JVM more with LIGHTSPEED_JAVA_OPTS=-Xmx..., or use smaller batches");
            return FAILED;
        } catch (Exception e) {
            err.println("lightspeed " + command.name() + ": failed: " + e
                    + (verbose ? "" : " (run with --verbose for details)"));
            if (verbose) {
                e.printStackTrace(err);
            }
            return FAILED;
        }
    }

    /**
     * A library error in the command line's words: where it names the parameter at fault and the command sets that
     * parameter with a flag of the same name, the message begins with the flag instead ({@code --batch-size 60000
     * is larger ...}).
     */
    static String worded(InputError error, Options options) {
        String message = error.getMessage();
        return error.parameter().filter(options::hasLongOption).map(p -> "--" + message).orElse(message);
    }

    private void printOverview(PrintStream out) {
        out.println("usage: lightspeed COMMAND [options]   (lightspeed COMMAND --help for its options)");
        out.println();
        int width = commands.keySet().stream().mapToInt(String::length).max().orElse(8);
        commands.values().forEach(c -> out.printf("  %-" + width + "s  %s%n", c.name(), c.summary()));
    }

    // Deprecated for commons-cli's help package, whose formatter pads every line to the full width and adds a
    // centred header row; this one keeps the compact two-column layout.
    @SuppressWarnings("deprecation")
    private static void printHelp(Command command, Options options, PrintStream out) {
        PrintWriter writer = new PrintWriter(out);
        HelpFormatter formatter = new HelpFormatter();
        formatter.setWidth(110);
        formatter.printHelp(writer, 110, "lightspeed " + command.name() + " " + command.usage(),
                command.summary(), options, 2, 4, null);
        writer.flush();
    }
}
