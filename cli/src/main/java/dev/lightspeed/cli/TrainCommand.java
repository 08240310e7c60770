package dev.lightspeed.cli;

import dev.lightspeed.data.Dataset;
import dev.lightspeed.data.Holdout;
import dev.lightspeed.export.ExportOptions;
import dev.lightspeed.export.ExportResult;
import dev.lightspeed.export.Int8Weights;
import dev.lightspeed.export.Precision;
import dev.lightspeed.models.Checkpoint;
import dev.lightspeed.models.InputError;
import dev.lightspeed.models.Presets;
import dev.lightspeed.models.Recipe;
import dev.lightspeed.models.RecipeJson;
import dev.lightspeed.models.RunInterrupted;
import dev.lightspeed.models.run.ResumeState;
import dev.lightspeed.models.run.RunFolder;
import dev.lightspeed.train.ComputeDevice;
import dev.lightspeed.train.ProfileSteps;
import dev.lightspeed.train.TraceRequest;
import dev.lightspeed.train.RunResult;
import dev.lightspeed.train.Threads;
import dev.lightspeed.train.Training;
import dev.lightspeed.train.TrainingListener;
import dev.lightspeed.train.parallel.C10dReplicas;
import dev.lightspeed.train.parallel.Launch;
import dev.lightspeed.train.parallel.ReplicaFailure;
import dev.lightspeed.train.parallel.Replicas;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * {@code lightspeed train}: trains the preset recipe on CIFAR-10 and writes a checkpoint. Data-parallel: as one rank
 * of a launch whose environment torchrun, Slurm or Kubeflow set ({@link Launch}), or as the launcher of
 * {@code --nproc N} local ranks ({@link LocalLaunch}).
 */
final class TrainCommand implements Command {

    private static final int DEFAULT_TIMEOUT_SECONDS = 300;

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
        o.addOption(Option.builder().longOpt("export-int8-weights").hasArg().argName("R")
                .desc("with --export-precision int8: reduced (default, safe on every CPU) or full weight range "
                        + "(only for CPUs with VNNI or GPU consumers; see lightspeed export)")
                .get());
        o.addOption(Option.builder().longOpt("profile")
                .desc("wait for the device at phase boundaries so the phase split is exact (slower on CUDA)").get());
        o.addOption(Option.builder().longOpt("nproc").hasArg().argName("N")
                .desc("train data-parallel in N local processes (torchrun's environment, Gloo on the CPU, NCCL on"
                        + " CUDA with one GPU each), each with its share of the cores (--threads) and of every batch;"
                        + " for several machines, start each rank with torchrun's or Slurm's variables instead"
                        + " (see README)").get());
        o.addOption(Option.builder().longOpt("timeout").hasArg().argName("SECONDS")
                .desc("data-parallel: how long a process waits for the others to join and at every exchange"
                        + " before it stops with an error naming the rank (default " + DEFAULT_TIMEOUT_SECONDS
                        + ")").get());
        ProfileOptions.addTraining(o);
        return o;
    }

    @Override
    public int run(CommandLine line, PrintStream out) throws Exception {
        Launch launch = Launch.fromEnvironment(System.getenv()).orElse(Launch.SINGLE);
        int processes = Arguments.intValue(line, "nproc", 1, 1);
        int timeoutSeconds = Arguments.intValue(line, "timeout", DEFAULT_TIMEOUT_SECONDS, 1);
        if (line.hasOption("nproc") && launch.parallel()) {
            throw new InputError("--nproc starts its own processes, but this one was launched as rank " + launch.rank()
                    + " of " + launch.worldSize() + " (RANK and WORLD_SIZE, or Slurm's variables, are set); drop"
                    + " --nproc");
        }
        int ranks = launch.parallel() ? launch.worldSize() : processes;
        if (!launch.leads()) {
            // One rank speaks for the run; the others' lines would repeat it. Their errors still reach stderr.
            out = new PrintStream(OutputStream.nullOutputStream());
        }
        Recipe recipe = ResumeChecks.requestedRecipe(line);
        long seed = Arguments.longValue(line, "seed", 0);
        int runs = Arguments.intValue(line, "runs", 1, 1);
        int evalEvery = DeviceOptions.evalEvery(line);
        boolean resume = line.hasOption("resume");
        Holdout holdout = new Holdout(Arguments.intValue(line, "holdout", 0, 0), seed);
        if (resume && !line.hasOption("out")) {
            throw new InputError("--resume needs --out DIR, the folder of the run to continue");
        }
        if (resume && runs > 1) {
            throw new InputError("--resume continues one run; drop --runs");
        }
        if (ranks > 1 && runs > 1) {
            throw new InputError("a data-parallel launch trains one run; drop --runs (or train the runs one after"
                    + " another, or as a sweep)");
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
            if (saved.worldSize() != ranks) {
                throw new InputError("the run in " + outRoot + " was trained by " + saved.worldSize()
                        + (saved.worldSize() == 1 ? " process" : " data-parallel processes") + "; continue it with as"
                        + " many (" + (saved.worldSize() == 1 ? "without --nproc" : "--nproc " + saved.worldSize())
                        + "), since each one's batchnorm statistics and share of the batch depend on them");
            }
        } else if (launch.leads()) {
            OutputPaths.requireWritableFolder("--out", outRoot);
        }
        Precision exportPrecision = line.hasOption("export-precision")
                ? Precision.parse(line.getOptionValue("export-precision")) : Precision.FP32;
        Int8Weights exportInt8Weights = line.hasOption("export-int8-weights")
                ? Int8Weights.parse(line.getOptionValue("export-int8-weights")) : Int8Weights.REDUCED;
        if ((line.hasOption("export-precision") || line.hasOption("export-tta")
                || line.hasOption("export-int8-weights")) && !line.hasOption("export")) {
            throw new InputError("--export-precision, --export-tta and --export-int8-weights shape the --export "
                    + "model; add --export FILE");
        }
        if (line.hasOption("export-int8-weights") && exportPrecision != Precision.INT8) {
            throw new InputError("--export-int8-weights sets the weight range of an int8 export; add "
                    + "--export-precision int8 or leave it out");
        }
        ExportOptions exportOptions = ExportOptions.defaults().withPrecision(exportPrecision)
                .withInt8Weights(exportInt8Weights).withTta(line.hasOption("export-tta"))
                .withProducerVersion(Version.current());
        if (line.hasOption("export") && launch.leads()) {
            OutputPaths.requireWritable("--export", Path.of(line.getOptionValue("export")));
        }
        Path traceFile = ProfileOptions.file(line);
        ProfileSteps requestedSteps = ProfileOptions.steps(line);
        ComputeDevice device = DeviceOptions.device(line).forLocalRank(launch.localRank());
        int threads = processes > 1 && !line.hasOption("threads") ? Math.max(1, Threads.available() / processes)
                : DeviceOptions.configureThreads(line);

        Dataset data = DataOptions.load(line, out, recipe.architecture().imageSize()).holdOut(holdout);
        Training training = Training.of(recipe, data).withDevice(device)
                .withEvalBatch(DeviceOptions.evalBatch(line, data.info().imageSize()))
                .withEvalEvery(evalEvery)
                .withExactPhaseTimes(line.hasOption("profile"));
        Training.requireSplits(training.recipe(), ranks);
        if (processes > 1) {
            // Everything a rank would refuse has been checked here, once, before any rank starts.
            return LocalLaunch.run(processes, LocalLaunch.withoutNproc(arguments(line)), threads, System.err);
        }
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

        if (!launch.leads()) {
            traceFile = null;
        }
        Replicas replicas = Replicas.SINGLE;
        if (launch.parallel()) {
            replicas = join(launch, device, Duration.ofSeconds(timeoutSeconds), training, resume, trainedEpochs);
        }
        try {
            return train(line, out, training.withReplicas(replicas), launch, runs, seed, outRoot, resumed,
                    traceFile, traceSteps, threads, exportOptions);
        } catch (ReplicaFailure e) {
            throw new CommandFailed(e.getMessage());
        } finally {
            replicas.close();
        }
    }

    /**
     * Joins the other ranks, each telling what it trains: a rank given another recipe, seed, data or precision
     * than rank 0 is refused before any step.
     */
    private static Replicas join(Launch launch, ComputeDevice device, Duration timeout, Training training,
            boolean resume, int trainedEpochs) {
        Map<String, String> identity = new LinkedHashMap<>();
        identity.put("recipe", RecipeJson.tree(training.recipe()).toString());
        identity.put("seed", Long.toString(training.seed()));
        identity.put("dataset", training.data().info().name() + ", " + training.data().train().count()
                + " training images, holdout " + training.data().holdout());
        identity.put("device", device.kind() + " " + device.precisionName());
        identity.put("start", resume ? "resume after epoch " + trainedEpochs : "new run");
        try {
            return C10dReplicas.join(launch, device, timeout, identity);
        } catch (ReplicaFailure e) {
            throw new CommandFailed(e.getMessage());
        }
    }

    private int train(CommandLine line, PrintStream out, Training training, Launch launch, int runs, long seed,
            Path outRoot, RunFolder resumed, Path traceFile, ProfileSteps traceSteps, int threads,
            ExportOptions exportOptions) throws Exception {
        Dataset data = training.data();
        ComputeDevice device = training.device();
        TrainingTable table = new TrainingTable(out, data.hasValidation(), training.recipe().averagesWeights());
        out.println("lightspeed train: " + training.recipe().preset() + " on " + device + ", " + threads
                + " threads" + (launch.parallel() ? " × " + launch.worldSize() + " processes" : "") + ", " + runs
                + (runs == 1 ? " run" : " runs") + " → " + outRoot);
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
            Training run = training.withSeed(runSeed).withTrace(trace)
                    .withListener(launch.leads() ? table : new TrainingListener() { })
                    .withStopRequest(Interruption::requested);
            RunResult result;
            try {
                result = resumed != null ? run.resume(resumed)
                        : run.start(!launch.leads() ? RunFolder.at(outRoot)
                        : RunFolder.create(runs == 1 ? outRoot : outRoot.resolve("run-" + (r + 1))));
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
            if (line.hasOption("export") && launch.leads()) {
                Path onnx = perRun(Path.of(line.getOptionValue("export")), runs, r);
                // The moving average, when the recipe kept one, as export and eval choose by default.
                Checkpoint trained = Checkpoint.load(result.checkpoint());
                ExportResult exported = ModelExport.write(trained.withDefaultWeights(), onnx, exportOptions,
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

    /** The command line as given: what each local rank of {@code --nproc} is started with. */
    private List<String> arguments(CommandLine line) {
        List<String> args = new ArrayList<>(List.of(name()));
        for (Option option : line.getOptions()) {
            args.add("--" + option.getLongOpt());
            if (option.hasArg()) {
                args.addAll(List.of(option.getValues()));
            }
        }
        args.addAll(line.getArgList());
        return args;
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
