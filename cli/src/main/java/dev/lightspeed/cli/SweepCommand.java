package dev.lightspeed.cli;

import dev.lightspeed.data.Dataset;
import dev.lightspeed.data.Holdout;
import dev.lightspeed.models.InputError;
import dev.lightspeed.models.RunInterrupted;
import dev.lightspeed.models.run.ResumeState;
import dev.lightspeed.models.run.RunFolder;
import dev.lightspeed.study.Axis;
import dev.lightspeed.study.PlannedRun;
import dev.lightspeed.study.Shard;
import dev.lightspeed.study.Sweep;
import dev.lightspeed.study.SweepSpec;
import dev.lightspeed.train.ComputeDevice;
import dev.lightspeed.train.ProfileSteps;
import dev.lightspeed.train.RunResult;
import dev.lightspeed.train.TraceRequest;
import dev.lightspeed.train.Training;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code lightspeed sweep}: trains every point of a hyperparameter grid (or of an ablation study: the base recipe,
 * then the base recipe with each one trick removed), each a given number of times, into one folder of ordinary run
 * folders, holding training images out so that settings are chosen on held-out data.
 */
final class SweepCommand implements Command {

    /** Held-out training images unless --holdout says otherwise: a tenth of CIFAR-10's training set. */
    static final int DEFAULT_HOLDOUT = 5000;

    private final Map<String, String> environment;

    SweepCommand(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    @Override
    public String name() {
        return "sweep";
    }

    @Override
    public String summary() {
        return "train a grid of hyperparameters, or ablations of the recipe, × repeats into one folder (resumable,"
                + " shardable over job arrays)";
    }

    @Override
    public String usage() {
        return "(--grid NAME=VALUES [--grid ...] | --ablate NAME=VALUE [--ablate ...]) [--repeats N] [--seed N]"
                + " [--set NAME=VALUE] [--preset P | --recipe FILE] [--holdout N] [--out DIR] [--shard K/N] [options]";
    }

    @Override
    public boolean stopsOnRequest() {
        return true;
    }

    @Override
    public Options options() {
        Options o = new Options();
        DataOptions.add(o);
        RecipeOptions.add(o);
        o.addOption(Option.builder().longOpt("grid").hasArg().argName("NAME=VALUES")
                .desc("an axis of the grid (repeatable): a list (batch-size=500,1000,2000) or a range, geometric"
                        + " (lr-scale=0.25:4:x2) or arithmetic (epochs=2:8:+2); any --set name can be an axis").get());
        o.addOption(Option.builder().longOpt("ablate").hasArg().argName("NAME=VALUE")
                .desc("one trick removed (repeatable, not with --grid): the study's one axis, ablation, runs the base"
                        + " recipe (ablation=none) and then the base recipe with each NAME=VALUE applied alone, in the"
                        + " order given (e.g. --ablate whitening=off --ablate label-smoothing=0 --ablate flip=random);"
                        + " any --set name; a value that leaves the recipe unchanged is refused").get());
        o.addOption(Option.builder().longOpt("repeats").hasArg().argName("N")
                .desc("runs per point, with seeds seed, seed+1, ... (default 1)").get());
        o.addOption(Option.builder().longOpt("seed").hasArg().argName("N")
                .desc("seed of each point's first repeat and of the held-out images (default 0)").get());
        o.addOption(Option.builder().longOpt("holdout").hasArg().argName("N")
                .desc("training images kept out of training, stratified by class, whose accuracy is reported as"
                        + " val_* (default " + DEFAULT_HOLDOUT + "; 0 for none)").get());
        o.addOption(Option.builder().longOpt("out").hasArg().argName("DIR")
                .desc("sweep folder (default sweeps/<timestamp>); rerun the same command to continue it").get());
        o.addOption(Option.builder().longOpt("shard").hasArg().argName("K/N")
                .desc("run only the runs whose index is K modulo N (default: from $SLURM_ARRAY_TASK_ID and"
                        + " $SLURM_ARRAY_TASK_COUNT, or $JOB_COMPLETION_INDEX with --shards)").get());
        o.addOption(Option.builder().longOpt("shards").hasArg().argName("N")
                .desc("shard count of a Kubernetes Indexed Job (its completions)").get());
        o.addOption(Option.builder().longOpt("dry-run")
                .desc("check everything, list the runs this shard would do, and write nothing").get());
        DeviceOptions.add(o);
        o.addOption(ProfileOptions.steps("trace each run's steps FIRST-LAST (counted from 1 over the run) into "
                + RunFolder.TRACE_FILE + " in its folder: libtorch's operators inside spans for each step and phase"
                + " (open it in ui.perfetto.dev; lightspeed profile tables its operators)"));
        return o;
    }

    @Override
    public int run(CommandLine line, PrintStream out) throws Exception {
        List<Axis> axes = new ArrayList<>();
        for (String grid : line.getOptionValues("grid") == null ? new String[0] : line.getOptionValues("grid")) {
            axes.add(Axis.parse(grid));
        }
        if (line.hasOption("ablate")) {
            if (line.hasOption("grid")) {
                throw new InputError("--ablate cannot be combined with --grid: an ablation study compares single"
                        + " changes against the full recipe; sweep the grid separately");
            }
            axes.add(Axis.ablation(List.of(line.getOptionValues("ablate"))));
        }
        long seed = Arguments.longValue(line, "seed", 0);
        int holdout = Arguments.intValue(line, "holdout", DEFAULT_HOLDOUT, 0);
        SweepSpec spec = SweepSpec.of(RecipeOptions.chosen(line, DataOptions.defaultPreset(DataOptions.kind(line))),
                RecipeOptions.assignments(line), axes,
                Arguments.intValue(line, "repeats", 1, 1), seed, holdout);
        Sweep sweep = Sweep.of(spec);
        Shard shard = Shard.resolve(line.getOptionValue("shard"),
                line.hasOption("shards") ? Arguments.intValue(line, "shards", 1, 1) : null, environment);
        ComputeDevice device = DeviceOptions.device(line);
        int threads = DeviceOptions.configureThreads(line);
        Path folder = line.hasOption("out") ? Path.of(line.getOptionValue("out"))
                : Path.of("sweeps", LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));

        ProfileSteps traceSteps = ProfileOptions.steps(line);

        Dataset data = DataOptions.load(line, out, spec.base().architecture().imageSize())
                .holdOut(new Holdout(holdout, seed));
        int evalBatch = DeviceOptions.evalBatch(line, data.info().geometry().size());
        int evalEvery = DeviceOptions.evalEvery(line);
        sweep.check(run -> {
            Training training = Training.of(run.recipe(), data);
            if (traceSteps != null) {
                traceSteps.requireWithin(training.recipe().epochs() * training.stepsPerEpoch(), 1);
            }
        });
        List<PlannedRun> runs = sweep.runs();
        List<PlannedRun> mine = sweep.runsIn(shard);
        out.println("lightspeed sweep: " + runs.size() + " runs (" + runs.size() / spec.repeats() + " points × "
                + spec.repeats() + (spec.repeats() == 1 ? " repeat" : " repeats") + "), " + mine.size()
                + " in shard " + shard + ", " + (holdout == 0 ? "no held-out images"
                : holdout + " training images held out for validation") + ", on " + device + ", " + threads
                + " threads → " + folder);
        if (line.hasOption("dry-run")) {
            mine.forEach(r -> out.println("  " + r.folder()));
            return Main.OK;
        }
        Sweep.Outcome outcome;
        try {
            if (traceSteps != null) {
                ProfileOptions.noteUnavailable(out);
            }
            Sweep.RunTrainer trainer = (run, runFolder, resume) -> {
                Training training = Training.of(run.recipe(), data).withSeed(run.seed()).withDevice(device)
                        .withEvalBatch(evalBatch).withEvalEvery(evalEvery).withStopRequest(Interruption::requested);
                TrainingTable table = new TrainingTable(out, data.hasValidation(),
                        training.recipe().averagesWeights());
                table.header();
                TraceRequest trace = trace(runFolder, training, traceSteps);
                RunResult result = resume ? training.withTrace(trace).withListener(table).resume(runFolder)
                        : training.withTrace(trace).withListener(table).start(runFolder);
                if (result.diverged()) {
                    out.println("diverged: " + result.divergence() + "; recorded, going on to the next run");
                } else {
                    out.println(TrainingTable.finalLine(result.summary()));
                    if (trace != null && Files.isRegularFile(trace.file())) {
                        out.println(ProfileOptions.written(trace.file()));
                    }
                }
                return result.summary();
            };
            outcome = sweep.run(folder, shard, trainer, new Progress(runs.size(), shard, out));
        } catch (RunInterrupted e) {
            throw new RunInterrupted(e.getMessage() + "; rerun the same command to continue the sweep",
                    e.epochsSaved());
        }
        out.println();
        out.println("shard " + shard + " done: " + outcome.trained() + " trained, " + outcome.resumed() + " continued, "
                + outcome.skipped() + " finished before" + (outcome.diverged() > 0 ? ", " + outcome.diverged()
                + " diverged" : "") + "; see the results with: lightspeed report " + folder);
        return Main.OK;
    }

    /**
     * The trace a run writes into its folder, or null: none asked for, or a continued run that already wrote its
     * trace or has trained past the window.
     */
    private static TraceRequest trace(RunFolder folder, Training training, ProfileSteps steps) {
        if (steps == null || Files.exists(folder.trace())) {
            return null;
        }
        int savedEpochs = folder.resumeState().map(ResumeState::epoch).orElse(0);
        int nextStep = savedEpochs * training.stepsPerEpoch() + 1;
        return steps.last() < nextStep ? null : new TraceRequest(folder.trace(), steps);
    }

    /** Titles each run of the shard as it starts or is skipped. */
    private record Progress(int total, Shard shard, PrintStream out) implements Sweep.Listener {

        private String title(PlannedRun run, int position, int of) {
            return "run " + (run.index() + 1) + "/" + total + " (" + position + " of " + of + " in shard " + shard
                    + "): " + run.describePoint() + ", seed " + run.seed();
        }

        @Override
        public void skipped(PlannedRun run, int position, int of) {
            out.println(title(run, position, of) + ": ended before, skipped");
        }

        @Override
        public void starting(PlannedRun run, int position, int of, boolean resuming) {
            out.println();
            out.println(title(run, position, of) + (resuming ? ", continuing from its last complete epoch" : ""));
        }

        @Override
        public void restarting(PlannedRun run, RunFolder folder) {
            out.println("note: " + folder + " trained every epoch but has no summary; training it again from the"
                    + " start");
        }
    }
}
