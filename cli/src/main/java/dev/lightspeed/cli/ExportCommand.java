package dev.lightspeed.cli;

import dev.lightspeed.export.ExportOptions;
import dev.lightspeed.export.ExportResult;
import dev.lightspeed.export.Int8Weights;
import dev.lightspeed.export.Precision;
import dev.lightspeed.models.Checkpoint;
import dev.lightspeed.models.ImageGeometry;
import dev.lightspeed.models.InputError;
import dev.lightspeed.models.OnnxContract;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.OptionalInt;

/** {@code lightspeed export}: writes a trained checkpoint as an ONNX model. */
final class ExportCommand implements Command {

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
                + "[--data DIR] [--int8-weights reduced|full]]";
    }

    @Override
    public Options options() {
        Options o = new Options();
        o.addOption(Option.builder().longOpt("checkpoint").hasArg().argName("FILE")
                .desc("the model.safetensors written by train").get());
        o.addOption(Option.builder().longOpt("out").hasArg().argName("FILE")
                .desc("ONNX file to write (default: beside the checkpoint, model.onnx, with -int8 and -tta added to "
                        + "the name for those options)")
                .get());
        WeightsOption.add(o);
        o.addOption(Option.builder().longOpt("tta")
                .desc("compute the trainer's test-time augmentation (mirror + 1-pixel shifts) inside the graph")
                .get());
        o.addOption(Option.builder().longOpt("opset").hasArg().argName("N")
                .desc("ONNX opset, " + ExportOptions.MIN_OPSET + " to " + ExportOptions.MAX_OPSET + " (default "
                        + ExportOptions.DEFAULT_OPSET + "; " + ExportOptions.defaultOpset(Precision.INT8)
                        + " for int8)").get());
        o.addOption(Option.builder().longOpt("precision").hasArg().argName("P")
                .desc("fp32 (default: float32 throughout, for any ONNX consumer) or int8 (quantized convolutions "
                        + "calibrated on training images: faster on ONNX Runtime CPU, slightly less accurate; "
                        + "BENCHMARKS.md has the figures)").get());
        o.addOption(Option.builder().longOpt("calibration-images").hasArg().argName("N")
                .desc("training images, spread evenly over the training split, that calibrate an int8 export "
                        + "(default " + ModelExport.DEFAULT_CALIBRATION_IMAGES + ", or all of a smaller split)")
                .get());
        o.addOption(Option.builder().longOpt("int8-weights").hasArg().argName("R")
                .desc("range of an int8 export's weight codes: reduced (default: ±63, safe on every CPU) or full "
                        + "(±127, more precise, only where the CPU has VNNI, such as AVX512-VNNI or AVX-VNNI, or the "
                        + "consumer is a GPU: CPUs without VNNI saturate it and lose accuracy)").get());
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
        Int8Weights int8Weights = line.hasOption("int8-weights")
                ? Int8Weights.parse(line.getOptionValue("int8-weights")) : Int8Weights.REDUCED;
        ExportOptions options = new ExportOptions(
                Arguments.intValue(line, "opset", ExportOptions.defaultOpset(precision), 0), tta, precision,
                int8Weights, Version.current());
        OptionalInt calibrationImages = line.hasOption("calibration-images")
                ? OptionalInt.of(Arguments.intValue(line, "calibration-images", 0, 1)) : OptionalInt.empty();
        if (precision != Precision.INT8 && (line.hasOption("calibration-images") || line.hasOption("data")
                || line.hasOption("download"))) {
            throw new InputError("--calibration-images, --data and --download calibrate an int8 export; add "
                    + "--precision int8 or leave them out");
        }
        if (precision != Precision.INT8 && line.hasOption("int8-weights")) {
            throw new InputError("--int8-weights sets the weight range of an int8 export; add --precision int8 or "
                    + "leave it out");
        }
        Path target = line.hasOption("out") ? Path.of(line.getOptionValue("out"))
                : checkpointPath.toAbsolutePath().resolveSibling(defaultName(tta, precision));

        Checkpoint checkpoint = WeightsOption.choose(line, Checkpoint.load(checkpointPath));
        ExportResult result = ModelExport.write(checkpoint, target, options,
                () -> DataOptions.loadTrain(line, out, checkpoint.architecture().imageSize()).images(),
                calibrationImages);

        out.printf(Locale.ROOT, "wrote %s: %.1f MB, %d nodes, opset %d, %s, %s%n", result.path(),
                result.bytes() / 1e6, result.nodes(), result.opset(), precisionDescription(result, int8Weights),
                result.ttaLevel() == 0 ? "plain (no test-time augmentation)"
                        : "test-time augmentation level " + result.ttaLevel() + " in the graph");
        out.printf(Locale.ROOT, "input %s float32 %s RGB in [0, 1]; output %s float32 [N, %d]%n",
                OnnxContract.INPUT, ImageGeometry.of(checkpoint.architecture()).batchShape(), OnnxContract.OUTPUT,
                checkpoint.architecture().numClasses());
        return Main.OK;
    }

    private static String defaultName(boolean tta, Precision precision) {
        return "model" + (precision == Precision.FP32 ? "" : "-" + precision.label()) + (tta ? "-tta" : "") + ".onnx";
    }

    private static String precisionDescription(ExportResult result, Int8Weights int8Weights) {
        return result.precision() != Precision.INT8 ? result.precision().label()
                : result.precision().label() + " (" + int8Weights.label() + " weight range ±" + int8Weights.limit()
                        + ", calibrated on " + result.calibrationImages() + " training images)";
    }
}
