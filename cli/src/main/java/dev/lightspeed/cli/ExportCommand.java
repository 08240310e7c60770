package dev.lightspeed.cli;

import dev.lightspeed.export.ExportOptions;
import dev.lightspeed.export.ExportResult;
import dev.lightspeed.export.OnnxExporter;
import dev.lightspeed.models.Checkpoint;
import dev.lightspeed.models.InputError;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;

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
        return "--checkpoint FILE [--out FILE] [--tta] [--opset N]";
    }

    @Override
    public Options options() {
        Options o = new Options();
        o.addOption(Option.builder().longOpt("checkpoint").hasArg().argName("FILE")
                .desc("the model.safetensors written by train").build());
        o.addOption(Option.builder().longOpt("out").hasArg().argName("FILE")
                .desc("ONNX file to write (default: model.onnx, or model-tta.onnx with --tta, beside the checkpoint)")
                .build());
        o.addOption(Option.builder().longOpt("tta")
                .desc("compute the trainer's test-time augmentation (mirror + 1-pixel shifts) inside the graph")
                .build());
        o.addOption(Option.builder().longOpt("opset").hasArg().argName("N")
                .desc("ONNX opset, " + ExportOptions.MIN_OPSET + " to " + ExportOptions.MAX_OPSET + " (default "
                        + ExportOptions.DEFAULT_OPSET + ")").build());
        return o;
    }

    @Override
    public int run(CommandLine line, PrintStream out) {
        if (!line.hasOption("checkpoint")) {
            throw new InputError("--checkpoint FILE is required: the model.safetensors written by train");
        }
        Path checkpointPath = Path.of(line.getOptionValue("checkpoint"));
        boolean tta = line.hasOption("tta");
        ExportOptions options = new ExportOptions(
                Arguments.intValue(line, "opset", ExportOptions.DEFAULT_OPSET, 0), tta, Version.current());
        Path target = line.hasOption("out") ? Path.of(line.getOptionValue("out"))
                : checkpointPath.toAbsolutePath().resolveSibling(tta ? "model-tta.onnx" : "model.onnx");

        Checkpoint checkpoint = Checkpoint.load(checkpointPath);
        ExportResult result = OnnxExporter.export(checkpoint, target, options);

        out.printf(Locale.ROOT, "wrote %s: %.1f MB, %d nodes, opset %d, %s%n", result.path(), result.bytes() / 1e6,
                result.nodes(), result.opset(), result.ttaLevel() == 0 ? "plain (no test-time augmentation)"
                        : "test-time augmentation level " + result.ttaLevel() + " in the graph");
        out.printf(Locale.ROOT, "input %s float32 [N, 3, %d, %d] RGB in [0, 1]; output %s float32 [N, %d]%n",
                OnnxExporter.INPUT, checkpoint.architecture().imageSize(), checkpoint.architecture().imageSize(),
                OnnxExporter.OUTPUT, checkpoint.architecture().numClasses());
        return Main.OK;
    }
}
