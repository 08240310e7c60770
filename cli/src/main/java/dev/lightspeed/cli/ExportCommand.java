package dev.lightspeed.cli;

import dev.lightspeed.data.Cifar10;
import dev.lightspeed.data.ImageSplit;
import dev.lightspeed.export.Calibration;
import dev.lightspeed.export.ExportOptions;
import dev.lightspeed.export.ExportResult;
import dev.lightspeed.export.OnnxExporter;
import dev.lightspeed.export.Precision;
import dev.lightspeed.infer.ActivationCalibrator;
import dev.lightspeed.models.Checkpoint;
import dev.lightspeed.models.InputError;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;

/** {@code lightspeed export}: writes a trained checkpoint as an ONNX model. */
final class ExportCommand implements Command {

    static final int DEFAULT_CALIBRATION_IMAGES = 512;

    @Override
    public String name() {
        return "export";
    }

    @Override
    public String summary() {
        return "write a checkpoint as an ONNX model (optionally with test-time augmentation in the graph)";
    }

    @Override
    public String usage() {
        return "--checkpoint FILE [--out FILE] [--tta] [--opset N] [--precision fp32|int8 [--calibration-images N] "
                + "[--data DIR]]";
    }

    @Override
    public Options options() {
        Options o = new Options();
        o.addOption(Option.builder().longOpt("checkpoint").hasArg().argName("FILE")
                .desc("the model.safetensors written by train").build());
        o.addOption(Option.builder().longOpt("out").hasArg().argName("FILE")
                .desc("ONNX file to write (default: beside the checkpoint, model.onnx, with -int8 and -tta added to "
                        + "the name for those options)")
                .build());
        o.addOption(Option.builder().longOpt("tta")
                .desc("compute the trainer's test-time augmentation (mirror + 1-pixel shifts) inside the graph")
                .build());
        o.addOption(Option.builder().longOpt("opset").hasArg().argName("N")
                .desc("ONNX opset, " + ExportOptions.MIN_OPSET + " to " + ExportOptions.MAX_OPSET + " (default "
                        + ExportOptions.DEFAULT_OPSET + "; " + ExportOptions.defaultOpset(Precision.INT8)
                        + " for int8)").build());
        o.addOption(Option.builder().longOpt("precision").hasArg().argName("P")
                .desc("fp32 (default: exact, any ONNX consumer) or int8 (quantized convolutions calibrated on "
                        + "training images: 2.6-3.1x the images/s of fp32 on ONNX Runtime CPU in BENCHMARKS.md, up to "
                        + "0.3 points less accurate)").build());
        o.addOption(Option.builder().longOpt("calibration-images").hasArg().argName("N")
                .desc("training images that calibrate an int8 export (default " + DEFAULT_CALIBRATION_IMAGES
                        + ")").build());
        DataOptions.add(o);
        return o;
    }

    @Override
    public int run(CommandLine line, PrintStream out) throws IOException {
        if (!line.hasOption("checkpoint")) {
            throw new InputError("--checkpoint FILE is required: the model.safetensors written by train");
        }
        Path checkpointPath = Path.of(line.getOptionValue("checkpoint"));
        boolean tta = line.hasOption("tta");
        Precision precision = line.hasOption("precision") ? Precision.parse(line.getOptionValue("precision"))
                : Precision.FP32;
        ExportOptions options = new ExportOptions(
                Arguments.intValue(line, "opset", ExportOptions.defaultOpset(precision), 0), tta, precision,
                Version.current());
        int calibrationImages = Arguments.intValue(line, "calibration-images", DEFAULT_CALIBRATION_IMAGES, 1);
        if (precision != Precision.INT8 && (line.hasOption("calibration-images") || line.hasOption("data")
                || line.hasOption("download"))) {
            throw new InputError("--calibration-images, --data and --download calibrate an int8 export; add "
                    + "--precision int8 or leave them out");
        }
        Path target = line.hasOption("out") ? Path.of(line.getOptionValue("out"))
                : checkpointPath.toAbsolutePath().resolveSibling(defaultName(tta, precision));

        Checkpoint checkpoint = Checkpoint.load(checkpointPath);
        Calibration calibration = null;
        if (precision == Precision.INT8) {
            // Training images only: calibrating on the test set would leak it into the model.
            Path folder = Cifar10.resolveFolder(DataOptions.folder(line, out));
            ImageSplit train = Cifar10.readSplit(Cifar10.TRAIN_FILES.stream().map(folder::resolve).toList());
            if (calibrationImages > train.count()) {
                throw new InputError("--calibration-images " + calibrationImages + " is more than the "
                        + train.count() + " training images; choose at most " + train.count());
            }
            calibration = ActivationCalibrator.measure(checkpoint, train, calibrationImages);
        }
        ExportResult result = OnnxExporter.export(checkpoint, target, options, calibration);

        out.printf(Locale.ROOT, "wrote %s: %.1f MB, %d nodes, opset %d, %s, %s%n", result.path(),
                result.bytes() / 1e6, result.nodes(), result.opset(), precisionDescription(result, calibration),
                result.ttaLevel() == 0 ? "plain (no test-time augmentation)"
                        : "test-time augmentation level " + result.ttaLevel() + " in the graph");
        out.printf(Locale.ROOT, "input %s float32 [N, 3, %d, %d] RGB in [0, 1]; output %s float32 [N, %d]%n",
                OnnxExporter.INPUT, checkpoint.architecture().imageSize(), checkpoint.architecture().imageSize(),
                OnnxExporter.OUTPUT, checkpoint.architecture().numClasses());
        return Main.OK;
    }

    private static String defaultName(boolean tta, Precision precision) {
        return "model" + (precision == Precision.FP32 ? "" : "-" + precision.label()) + (tta ? "-tta" : "") + ".onnx";
    }

    private static String precisionDescription(ExportResult result, Calibration calibration) {
        return calibration == null ? result.precision().label()
                : result.precision().label() + " (calibrated on " + calibration.images() + " training images)";
    }
}
