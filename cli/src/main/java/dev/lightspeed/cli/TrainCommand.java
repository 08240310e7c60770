package dev.lightspeed.cli;

import dev.lightspeed.data.Dataset;
import dev.lightspeed.data.Holdout;
import dev.lightspeed.export.ExportOptions;
import dev.lightspeed.export.ExportResult;
import dev.lightspeed.export.Precision;
import dev.lightspeed.models.Checkpoint;
import dev.lightspeed.models.InputError;
import dev.lightspeed.models.Presets;
import dev.lightspeed.models.Recipe;
import dev.lightspeed.models.RunInterrupted;
import dev.lightspeed.models.run.ResumeState;
import dev.lightspeed.models.run.RunFolder;
import dev.lightspeed.train.ComputeDevice;
import dev.lightspeed.train.ProfileSteps;
import dev.lightspeed.train.TraceRequest;
import dev.lightspeed.train.RunResult;
import dev.lightspeed.train.Training;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/** {@code lightspeed train}: trains the preset recipe on CIFAR-10 and writes a checkpoint. */
final class TrainCommand implements Command {

    @Override
    public String name() {
        return "train";
    }

    @Override
    public String summary() {
        return "train a network on CIFAR-10, CIFAR-100 or an image folder (default recipe: " + Presets.DEFAULT
                + " on CIFAR-10)";
    }

    @Override
    public String usage() {
        return "[--data DIR] [--preset NAME | --recipe FILE] [--epochs N] [--runs N] [--out DIR] [options]";
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
        o.addOption(Option.builder().longOpt("epochs").hasArg().argName("N").desc("override the preset's epochs").get());
        o.addOption(Option.builder().longOpt("batch-size").hasArg().argName("N").desc("override the batch size").get());
        o.addOption(Option.builder().longOpt("lr-scale").hasArg().argName("X").desc("multiply every learning rate").get());
        o.addOption(Option.builder().longOpt("holdout").hasArg().argName("N")
                .desc("keep N training images (stratified by class, chosen by --seed) out of training and report"
                        + " accuracy on them as val_* (default 0: train on all)").get());
        o.addOption(Option.builder().longOpt("seed").hasArg().argName("N").desc("seed of the first run (default 0)").get());
        o.addOption(Option.builder().longOpt("runs").hasArg().argName("N")
                .desc("independent runs with seeds seed, seed+1, ...; prints mean ± std (default 1)").get());
        DeviceOptions.add(o);
        o.addOption(Option.builder().longOpt("out").hasArg().argName("DIR")
                .desc("run folder (default runs/<timestamp>); with --runs N, one subfolder per run").get());
        o.addOption(Option.builder().longOpt("resume").desc("continue the run in --out from its last complete epoch, with"
                + " the recipe and seed it was started with").get());
        o.addOption(Option.builder().longOpt("export").hasArg().argName("FILE")
                .desc("also write the trained model as ONNX (with --runs N: one file per run, suffixed -run-K)").get());
        o.addOption(Option.builder().longOpt("export-tta")
                .desc("with --export: put test-time augmentation into the ONNX graph").get());
        o.addOption(Option.builder().longOpt("export-precision").hasArg().argName("P")
                .desc("with --export: fp32 (default) or int8, calibrated on "
                        + ModelExport.DEFAULT_CALIBRATION_IMAGES + " training images, or all of a smaller split "
                        + "(see lightspeed export)")
                .get());
        o.addOption(Option.builder().longOpt("profile")
                .desc("wait for the device at phase boundaries so the phase split is exact (slower on CUDA)").get());
        ProfileOptions.addTraining(o);
        return o;
    }

    @Override
    public int run(CommandLine line, PrintStream out) throws Exception {
        Recipe recipe = ResumeChecks.requestedRecipe(line);
        long seed = Arguments.longValue(line, "seed", 0);
        int runs = Arguments.intValue(line, "runs", 1, 1);
        boolean resume = line.hasOption("resume");
        Holdout holdout = new Holdout(Arguments.intValue(line, "holdout", 0, 0), seed);
        if (resume && !line.hasOption("out")) {
            throw new InputError("--resume needs --out DIR, the folder of the run to continue");
        }
        if (resume && runs > 1) {
            throw new InputError("--resume continues one run; drop --runs");
        }
        Path outRoot = line.hasOption("out") ? Path.of(line.getOptionValue("out"))
                : Path.of("runs", LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        RunFolder resumed = null;
        int trainedEpochs = 0;
        if (resume) {
            resumed = ResumeChecks.savedRun(line, recipe, seed, outRoot);
            ResumeState saved = resumed.resumeState().orElseThrow();
            recipe = saved.recipe();
            seed = saved.seed();
            holdout = saved.holdout() == 0 ? Holdout.NONE : new Holdout(saved.holdout(), saved.holdoutSeed());
            trainedEpochs = saved.epoch();
        } else {
            OutputPaths.requireWritableFolder("--out", outRoot);
        }
        Precision exportPrecision = line.hasOption("export-precision")
                ? Precision.parse(line.getOptionValue("export-precision")) : Precision.FP32;
        if ((line.hasOption("export-precision") || line.hasOption("export-tta")) && !line.hasOption("export")) {
            throw new InputError("--export-precision and --export-tta shape the --export model; add --export FILE");
        }
        if (line.hasOption("export")) {
            OutputPaths.requireWritable("--export", Path.of(line.getOptionValue("export")));
        }
        Path traceFile = ProfileOptions.file(line);
        ProfileSteps requestedSteps = ProfileOptions.steps(line);
        ComputeDevice device = DeviceOptions.device(line);
        int threads = DeviceOptions.configureThreads(line);

        Dataset data = DataOptions.load(line, out, recipe.architecture().imageSize()).holdOut(holdout);
        Training training = Training.of(recipe, data).withDevice(device)
                .withEvalBatch(DeviceOptions.evalBatch(line, data.info().imageSize()))
                .withExactPhaseTimes(line.hasOption("profile"));
        if (!training.recipe().architecture().equals(recipe.architecture())) {
            out.println("network fitted to " + data.info().name() + ": " + data.info().imageShape() + " images, "
                    + data.info().numClasses() + " classes");
        }
        ProfileSteps traceSteps = null;
        if (traceFile != null) {
            int totalSteps = training.recipe().epochs() * training.stepsPerEpoch();
            int nextStep = trainedEpochs * training.stepsPerEpoch() + 1;
            traceSteps = requestedSteps != null ? requestedSteps : ProfileSteps.defaultFor(totalSteps, nextStep);
            traceSteps.requireWithin(totalSteps, nextStep);
            ProfileOptions.noteUnavailable(out);
        }

        TrainingTable table = new TrainingTable(out, data.hasValidation(), training.recipe().averagesWeights());
        out.println("lightspeed train: " + training.recipe().preset() + " on " + device + ", " + threads
                + " threads, " + runs + (runs == 1 ? " run" : " runs") + " → " + outRoot);
        List<Double> accuracies = new ArrayList<>();
        List<String> divergences = new ArrayList<>();
        for (int r = 0; r < runs; r++) {
            long runSeed = seed + r;
            TraceRequest trace = traceFile == null ? null
                    : new TraceRequest(perRun(traceFile, runs, r), traceSteps);
            if (runs > 1) {
                out.println();
                out.println("run " + (r + 1) + "/" + runs + " (seed " + runSeed + ")");
            }
            table.header();
            Training run = training.withSeed(runSeed).withTrace(trace).withListener(table)
                    .withStopRequest(Interruption::requested);
            RunResult result;
            try {
                result = resumed != null ? run.resume(resumed)
                        : run.start(RunFolder.create(runs == 1 ? outRoot : outRoot.resolve("run-" + (r + 1))));
            } catch (RunInterrupted e) {
                throw new RunInterrupted(e.getMessage() + (e.epochsSaved() > 0
                        ? " (continue with --resume --out " + (runs == 1 ? outRoot : outRoot.resolve("run-"
                        + (r + 1))) + ")" : ""), e.epochsSaved());
            }
            if (result.diverged()) {
                String divergence = "run " + (r + 1) + " (seed " + runSeed + ") diverged: " + result.divergence();
                out.println(divergence + "; recorded in " + result.folder());
                divergences.add(divergence);
                continue;
            }
            out.println(TrainingTable.finalLine(result.summary()));
            if (trace != null) {
                out.println(ProfileOptions.written(trace.file()));
            }
            accuracies.add(result.summary().ttaTestAcc());
            if (line.hasOption("export")) {
                Path onnx = perRun(Path.of(line.getOptionValue("export")), runs, r);
                // The moving average, when the recipe kept one, as export and eval choose by default.
                Checkpoint trained = Checkpoint.load(result.checkpoint());
                ExportResult exported = ModelExport.write(trained.withDefaultWeights(), onnx,
                        ExportOptions.defaults().withPrecision(exportPrecision)
                                .withTta(line.hasOption("export-tta")).withProducerVersion(Version.current()),
                        data::train, OptionalInt.empty());
                out.println("exported " + exported.path());
            }
        }
        if (runs > 1 && !accuracies.isEmpty()) {
            out.println(TrainingTable.describe(accuracies));
        }
        if (!divergences.isEmpty()) {
            throw new CommandFailed((runs > 1 ? divergences.size() + " of " + runs + " runs diverged; first: " : "")
                    + divergences.get(0) + "; try a smaller --lr-scale");
        }
        return Main.OK;
    }

    /** The file of one of several runs: the requested name suffixed -run-K before its extension. */
    private static Path perRun(Path requested, int runs, int run) {
        if (runs == 1) {
            return requested;
        }
        String name = requested.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String suffixed = dot > 0 ? name.substring(0, dot) + "-run-" + (run + 1) + name.substring(dot)
                : name + "-run-" + (run + 1);
        return requested.resolveSibling(suffixed);
    }
}
