package dev.lightspeed.cli;

import dev.lightspeed.models.InputError;
import dev.lightspeed.train.LibtorchProfiler;
import dev.lightspeed.train.ProfileSteps;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

import java.io.PrintStream;
import java.nio.file.Path;

/** The flags that ask for a trace (--profile-out FILE, --profile-steps FIRST-LAST) in train, sweep and eval. */
final class ProfileOptions {

    static final String OUT = "profile-out";
    static final String STEPS = "profile-steps";

    private ProfileOptions() {
    }

    static Option out(String what) {
        return Option.builder().longOpt(OUT).hasArg().argName("FILE")
                .desc("write a trace of " + what + " (Chrome trace JSON: open it in ui.perfetto.dev or"
                        + " chrome://tracing; lightspeed profile FILE tables its operators)").get();
    }

    static Option steps(String description) {
        return Option.builder().longOpt(STEPS).hasArg().argName("FIRST-LAST").desc(description).get();
    }

    static void addTraining(Options options) {
        options.addOption(out("a window of training steps: libtorch's operators with their input shapes inside"
                + " spans for each step and phase; with --runs N, one file per run, suffixed -run-K"));
        options.addOption(steps("with --profile-out: the steps to trace, counted from 1 over the run (default "
                + ProfileSteps.DEFAULT + ", or as much of it as the run has)"));
    }

    /** The trace file asked for, checked to be writable, or null. */
    static Path file(CommandLine line) {
        if (line.hasOption(STEPS) && !line.hasOption(OUT)) {
            throw new InputError("--" + STEPS + " chooses the steps of --" + OUT + "; add --" + OUT + " FILE");
        }
        return line.hasOption(OUT) ? OutputPaths.requireWritable("--" + OUT, Path.of(line.getOptionValue(OUT)))
                : null;
    }

    /** The window asked for, or null for the default one. */
    static ProfileSteps steps(CommandLine line) {
        return line.hasOption(STEPS) ? ProfileSteps.parse(line.getOptionValue(STEPS)) : null;
    }

    /** Says, before the work starts, that a trace will hold spans but no libtorch operators, and why. */
    static void noteUnavailable(PrintStream out) {
        LibtorchProfiler.unavailable().ifPresent(why -> out.println("note: libtorch's profiler cannot be reached ("
                + why + "); the trace will hold lightspeed's spans without libtorch's operators"));
    }

    /** The line that tells where a trace went and what to do with it. */
    static String written(Path file) {
        return "trace: " + file + " (open it in https://ui.perfetto.dev; lightspeed profile " + file
                + " tables its operators)";
    }
}
