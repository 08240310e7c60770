package dev.lightspeed.cli;

import dev.lightspeed.data.ClassifiedSplit;
import dev.lightspeed.models.Checkpoint;
import dev.lightspeed.models.EvalBatch;
import dev.lightspeed.models.ImageGeometry;
import dev.lightspeed.models.ModelFit;
import dev.lightspeed.infer.EvalSettings;
import dev.lightspeed.infer.ExecutionProvider;
import dev.lightspeed.infer.OnnxClassifier;
import dev.lightspeed.infer.SessionSettings;
import dev.lightspeed.models.InputError;
import dev.lightspeed.models.report.ClassAccuracy;
import dev.lightspeed.models.report.EvalReport;
import dev.lightspeed.models.report.Timings;
import dev.lightspeed.models.report.TtaMode;
import dev.lightspeed.models.trace.TraceRecorder;
import dev.lightspeed.train.ComputeDevice;
import dev.lightspeed.train.TorchScorer;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** {@code lightspeed eval}: accuracy and speed of an ONNX model on a dataset's test split, in ONNX Runtime (or of a checkpoint in libtorch). */
final class EvalCommand implements Command {

    @Override
    public String name() {
        return "eval";
    }

    @Override
    public String summary() {
        return "score an ONNX model (ONNX Runtime) or a checkpoint (libtorch) on a test split: accuracy and timings";
    }

    @Override
    public String usage() {
        return "(--model FILE [--provider cpu|cuda|tensorrt] | --checkpoint FILE [--weights live|ema]"
                + " [--tta-fraction F]) [--data DIR] [--batch-size N] [--tta] [--json] [--profile-out FILE]";
    }

    @Override
    public Options options() {
        Options o = new Options();
        addSessionOptions(o);
        DataOptions.add(o);
        o.addOption(Option.builder().longOpt("batch-size").hasArg().argName("N")
                .desc("images per session call (default " + EvalBatch.describeDefault() + "; a sixth of that "
                        + "for a model exported with --tta, which scores six views per image)").get());
        o.addOption(Option.builder().longOpt("warmup").hasArg().argName("N")
                .desc("batches scored before the measured pass, timed on their own (default " + EvalSettings.DEFAULT_WARMUP_BATCHES + ")")
                .get());
        o.addOption(Option.builder().longOpt("tta")
                .desc("score test-time augmentation (level 2) by feeding six views per image to a plain model")
                .get());
        o.addOption(Option.builder().longOpt("tta-fraction").hasArg().argName("F")
                .desc("with --checkpoint and --tta: selective TTA, every image scored plain and only the least"
                        + " confident share F of the test split (0 < F <= 1, default 1: every image) on the other views;"
                        + " ONNX models score every view").get());
        o.addOption(Option.builder().longOpt("json").desc("print the report as JSON").get());
        WeightsOption.add(o);
        o.addOption(Option.builder().longOpt("checkpoint").hasArg().argName("FILE")
                .desc("score a model.safetensors with the trainer's libtorch evaluation instead of an ONNX model "
                        + "(to compare engines)").get());
        DeviceOptions.addDeviceAndPrecision(o, "with --checkpoint: ");
        o.addOption(ProfileOptions.out("the scoring, a span per warm-up and measured batch with inside it what the"
                + " engine's own profiler recorded: ONNX Runtime's nodes (and its session set-up) for --model,"
                + " libtorch's operators for --checkpoint"));
        return o;
    }

    @Override
    public int run(CommandLine line, PrintStream out) throws Exception {
        double ttaFraction = ttaFraction(line);
        if (line.hasOption("checkpoint")) {
            return runCheckpoint(line, ttaFraction, out);
        }
        if (line.hasOption("weights")) {
            throw new InputError("--weights chooses among a checkpoint's weights; an ONNX model holds the ones it was"
                    + " exported with, so drop --weights or evaluate the --checkpoint");
        }
        Path model = modelPath(line);
        SessionSettings session = sessionSettings(line);
        int warmup = Arguments.intValue(line, "warmup", EvalSettings.DEFAULT_WARMUP_BATCHES, 0);
        boolean json = line.hasOption("json");
        Path traceFile = ProfileOptions.file(line);

        EvalReport report;
        // The model is checked before the data folder so that a bad --model never starts a dataset download.
        try (OnnxClassifier classifier = traceFile == null ? OnnxClassifier.open(model, session)
                : OnnxClassifier.openProfiled(model, session)) {
            int batch = Arguments.intValue(line, "batch-size", EvalSettings.defaultBatchSize(classifier.info()), 1);
            EvalSettings settings = new EvalSettings(batch, warmup, line.hasOption("tta"));
            // Download progress must not mix into a JSON report on standard output.
            ClassifiedSplit test = DataOptions.loadTest(line, json ? System.err : out,
                    classifier.info().geometry().size());
            TraceRecorder trace = traceFile == null ? null : new TraceRecorder();
            if (trace != null) {
                trace.name("lightspeed eval", "scoring");
            }
            report = classifier.evaluate(test, settings, trace);
            if (trace != null) {
                classifier.endProfilingInto(trace);
                trace.write(traceFile);
            }
        }
        printReport(report, json, traceFile, out);
        return Main.OK;
    }

    /**
     * {@code --tta-fraction}, refused without {@code --checkpoint} and {@code --tta}: the exported TTA graph and
     * the views fed to a plain ONNX model score every view of every image.
     */
    private static double ttaFraction(CommandLine line) {
        if (!line.hasOption("tta-fraction")) {
            return 1.0;
        }
        if (!line.hasOption("checkpoint") || !line.hasOption("tta")) {
            throw new InputError("--tta-fraction needs --checkpoint and --tta: only the libtorch scoring of a"
                    + " checkpoint runs the views on part of a batch; an ONNX model scores every view of every image");
        }
        String raw = line.getOptionValue("tta-fraction");
        double fraction;
        try {
            fraction = Double.parseDouble(raw.trim());
        } catch (NumberFormatException e) {
            throw new InputError("--tta-fraction expects a number in (0, 1], got '" + raw + "'");
        }
        if (!(fraction > 0 && fraction <= 1)) {
            throw new InputError("--tta-fraction must be in (0, 1] (1: every image gets every view), got " + raw);
        }
        return fraction;
    }

    private static int runCheckpoint(CommandLine line, double ttaFraction, PrintStream out) throws Exception {
        if (line.hasOption("model")) {
            throw new InputError("give --model (ONNX Runtime) or --checkpoint (libtorch), not both");
        }
        Path checkpoint = Path.of(line.getOptionValue("checkpoint"));
        ComputeDevice device = DeviceOptions.device(line);
        DeviceOptions.configureThreads(line);
        int warmup = Arguments.intValue(line, "warmup", EvalSettings.DEFAULT_WARMUP_BATCHES, 0);
        boolean json = line.hasOption("json");
        Path traceFile = ProfileOptions.file(line);
        // Read first, so that a bad checkpoint is reported before any dataset download.
        TorchScorer.Loaded read = TorchScorer.Loaded.read(checkpoint);
        TorchScorer.Loaded loaded = new TorchScorer.Loaded(read.file(), WeightsOption.choose(line, read.checkpoint()),
                read.seconds());
        Checkpoint model = loaded.checkpoint();
        int batch = Arguments.intValue(line, "batch-size", EvalBatch.defaultFor(model.architecture().imageSize()), 1);
        ClassifiedSplit test = DataOptions.loadTest(line, json ? System.err : out, model.architecture().imageSize());
        ModelFit.require(checkpoint, model.classes().size(), model.classes(), ImageGeometry.of(model.architecture()),
                test.classes(), test.images().geometry());
        EvalReport report = TorchScorer.evaluate(loaded, test.images(), device, batch, warmup, line.hasOption("tta"),
                ttaFraction, traceFile);
        printReport(report, json, traceFile, out);
        return Main.OK;
    }

    /** The report as text or JSON; where a trace went goes beside a JSON report, not into it. */
    private static void printReport(EvalReport report, boolean json, Path traceFile, PrintStream out) {
        if (json) {
            out.println(report.toJson());
        } else {
            print(report, out);
        }
        if (traceFile != null) {
            (json ? System.err : out).println(ProfileOptions.written(traceFile));
        }
    }

    static void print(EvalReport report, PrintStream out) {
        out.printf(Locale.ROOT, "model      %s (%s, test-time augmentation: %s)%n", report.model(),
                report.precision(), describe(report.tta(), report.ttaFraction()));
        out.printf(Locale.ROOT, "provider   %s, %s, batch %d%n", report.provider(),
                report.threads() + " threads", report.batchSize());
        out.printf(Locale.ROOT, "accuracy   %.2f %% (%d / %d)%n", 100 * report.accuracy(), report.correct(),
                report.images());
        int width = report.perClass().stream().mapToInt(c -> c.name().length()).max().orElse(8);
        for (ClassAccuracy c : report.perClass()) {
            String accuracy = c.total() == 0 ? "   -   " : String.format(Locale.ROOT, "%6.2f %%", 100 * c.accuracy());
            out.printf(Locale.ROOT, "  %-" + width + "s %s (%d / %d)%n", c.name(), accuracy, c.correct(), c.total());
        }
        Timings t = report.timings();
        out.printf(Locale.ROOT, "session    %.3f s (load and optimize the graph)%n", t.sessionSeconds());
        out.printf(Locale.ROOT, "warm-up    %.3f s (%d batches)%n", t.warmupSeconds(), t.warmupBatches());
        out.printf(Locale.ROOT,
                "scoring    %.3f s, %.1f images/s, batch latency p50 %.1f ms, p95 %.1f ms (%d batches)%n",
                t.scoringSeconds(), t.imagesPerSecond(), t.p50BatchMillis(), t.p95BatchMillis(), t.batches());
    }

    private static String describe(TtaMode tta, double fraction) {
        String share = fraction == 1 ? ""
                : " to the least confident " + BigDecimal.valueOf(fraction).movePointRight(2).stripTrailingZeros()
                        .toPlainString() + " % of each batch";
        return switch (tta) {
            case NONE -> "none";
            case IN_GRAPH -> "level " + tta.level() + ", in the graph";
            case VIEWS -> "level " + tta.level() + ", views fed by eval" + share;
        };
    }

    /** The flags that choose a model and how to run it; predict shares them. */
    static void addSessionOptions(Options o) {
        o.addOption(Option.builder().longOpt("model").hasArg().argName("FILE")
                .desc("the .onnx file written by lightspeed export").get());
        o.addOption(Option.builder().longOpt("provider").hasArg().argName("NAME")
                .desc("ONNX Runtime execution provider: " + providerNames() + " (default cpu; cuda and tensorrt "
                        + "need the GPU build and an NVIDIA GPU)").get());
        o.addOption(Option.builder().longOpt("threads").hasArg().argName("N")
                .desc("CPU threads (default: all " + Runtime.getRuntime().availableProcessors() + " processors)").get());
    }

    static Path modelPath(CommandLine line) {
        if (!line.hasOption("model")) {
            throw new InputError("--model FILE is required: the .onnx file written by lightspeed export");
        }
        return Path.of(line.getOptionValue("model"));
    }

    static SessionSettings sessionSettings(CommandLine line) {
        ExecutionProvider provider = ExecutionProvider.parse(line.getOptionValue("provider", "cpu"));
        return new SessionSettings(provider, Arguments.intValue(line, "threads", 0, 0));
    }

    private static String providerNames() {
        return Arrays.stream(ExecutionProvider.values()).map(ExecutionProvider::optionName)
                .collect(Collectors.joining("|"));
    }
}
