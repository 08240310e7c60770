package dev.lightspeed.cli;

import dev.lightspeed.data.Dataset;
import dev.lightspeed.data.Holdout;
import dev.lightspeed.models.InputError;
import dev.lightspeed.models.Recipe;
import dev.lightspeed.models.run.RunFiles;
import dev.lightspeed.study.Axis;
import dev.lightspeed.study.PlannedRun;
import dev.lightspeed.study.Shard;
import dev.lightspeed.study.SweepSpec;
import dev.lightspeed.train.ComputeDevice;
import dev.lightspeed.train.ProfileSteps;
import dev.lightspeed.train.Trainer;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code lightspeed sweep}: trains every point of a hyperparameter grid, each a given number of times, into one
 * folder of ordinary run folders, holding training images out so that settings are chosen on held-out data.
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
        return "train a grid of hyperparameters × repeats into one folder (resumable, shardable over job arrays)";
    }

    @Override
    public String usage() {
        return "--grid NAME=VALUES [--grid ...] [--repeats N] [--seed N] [--set NAME=VALUE] [--preset P | --recipe FILE]"
                + " [--holdout N] [--out DIR] [--shard K/N] [options]";
    }

    @Override
    public Options options() {
        Options o = new Options();
        DataOptions.add(o);
        RecipeOptions.add(o);
        o.addOption(Option.builder().longOpt("grid").hasArg().argName("NAME=VALUES")
                .desc("an axis of the grid (repeatable): a list (batch-size=500,1000,2000) or a range, geometric"
                        + " (lr-scale=0.25:4:x2) or arithmetic (epochs=2:8:+2); any --set name can be an axis").get());
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
                + RunFiles.PROFILE + " in its folder: libtorch's operators inside spans for each step and phase"
                + " (open it in ui.perfetto.dev; lightspeed profile tables its operators)"));
        return o;
    }

    @Override
    public int run(CommandLine line, PrintStream out) throws Exception {
        List<Axis> axes = new ArrayList<>();
        for (String grid : line.getOptionValues("grid") == null ? new String[0] : line.getOptionValues("grid")) {
            axes.add(Axis.parse(grid));
        }
        long seed = Arguments.longValue(line, "seed", 0);
        int holdout = Arguments.intValue(line, "holdout", DEFAULT_HOLDOUT, 0);
        SweepSpec spec = SweepSpec.of(RecipeOptions.chosen(line, DataOptions.defaultPreset(DataOptions.kind(line))),
                RecipeOptions.assignments(line), axes,
                Arguments.intValue(line, "repeats", 1, 1), seed, holdout);
        List<PlannedRun> runs = spec.plan();
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
        for (PlannedRun run : runs) {
            try {
                Recipe fitted = Trainer.fit(run.recipe(), data);
                if (traceSteps != null) {
                    traceSteps.requireWithin(fitted.epochs() * fitted.stepsPerEpoch(data.train().count()), 1);
                }
            } catch (InputError e) {
                throw new InputError("at the point " + run.describePoint() + ": " + e.getMessage());
            }
        }
        long mine = runs.stream().filter(r -> shard.runs(r.index())).count();
        out.println("lightspeed sweep: " + runs.size() + " runs (" + runs.size() / spec.repeats() + " points × "
                + spec.repeats() + (spec.repeats() == 1 ? " repeat" : " repeats") + "), " + mine + " in shard " + shard
                + ", " + (holdout == 0 ? "no held-out images" : holdout + " training images held out for validation")
                + ", on " + device + ", " + threads + " threads → " + folder);
        if (line.hasOption("dry-run")) {
            runs.stream().filter(r -> shard.runs(r.index())).forEach(r -> out.println("  " + r.folder()));
            return Main.OK;
        }
        spec.claim(folder);
        SweepRunner.Outcome outcome;
        try (Interruption interruption = Interruption.install()) {
            if (traceSteps != null) {
                ProfileOptions.noteUnavailable(out);
            }
            outcome = new SweepRunner(device, evalBatch, false, traceSteps, out, interruption::requested)
                    .run(runs, shard, data, folder, (d, recipe) -> {
                        TrainingTable table = new TrainingTable(out, d.hasValidation(), recipe.averagesWeights());
                        table.header();
                        return table;
                    });
        }
        out.println();
        out.println("shard " + shard + " done: " + outcome.trained() + " trained, " + outcome.resumed() + " continued, "
                + outcome.skipped() + " finished before; see the results with: lightspeed report " + folder);
        return Main.OK;
    }
}
