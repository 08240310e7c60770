package dev.lightspeed.export;

import dev.lightspeed.export.onnx.ModelProto;
import dev.lightspeed.export.onnx.OperatorSetIdProto;
import dev.lightspeed.export.onnx.StringStringEntryProto;
import dev.lightspeed.models.AtomicFiles;
import dev.lightspeed.models.Checkpoint;
import dev.lightspeed.models.Failures;
import dev.lightspeed.models.ImageGeometry;
import dev.lightspeed.models.InputError;
import dev.lightspeed.models.OnnxContract;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Turns a trained checkpoint into an ONNX model as {@link OnnxContract} describes it: pixels in [0, 1] in,
 * normalized inside the graph, logits out. The graph is derived from the checkpoint's layer list and holds only
 * inference operators, with batchnorms and the normalization folded into the convolutions and the head wherever
 * that is exact (see {@link FoldedNetwork}); with {@link ExportOptions#tta()} it averages the trainer's level-2
 * test-time augmentation in one call.
 */
public final class OnnxExporter {

    private OnnxExporter() {
    }

    /**
     * Writes a float32 model to {@code out} through a temporary file in the same folder, renamed into place, so
     * that a reader never sees half a model and a failed export leaves nothing behind.
     *
     * @throws InputError when the checkpoint cannot be exported or {@code out} cannot be written
     */
    public static ExportResult export(Checkpoint checkpoint, Path out, ExportOptions options) {
        return export(checkpoint, out, options, (Calibration) null);
    }

    /**
     * As {@link #export(Checkpoint, Path, ExportOptions)}; an int8 model is calibrated on
     * {@code calibrationImages} first (NCHW float pixel batches in [0, 1] of the checkpoint's image geometry, which
     * should be training images: ranges taken from test images would leak them into the model; a few hundred spread
     * over the training split, as {@code ImageSplit.evenlySpread} gives them, are enough). A float32 model ignores
     * them, and they are not read.
     */
    public static ExportResult export(Checkpoint checkpoint, Path out, ExportOptions options,
            Iterable<float[]> calibrationImages) {
        return export(checkpoint, out, options, options.precision() == Precision.INT8
                ? ActivationCalibrator.measure(checkpoint, calibrationImages) : null);
    }

    /**
     * As {@link #export(Checkpoint, Path, ExportOptions)}; an int8 model needs the {@code calibration} measured
     * on this checkpoint's {@link #calibrationModel}, a float32 one ignores it.
     */
    public static ExportResult export(Checkpoint checkpoint, Path out, ExportOptions options,
            Calibration calibration) {
        ModelProto model = toModel(checkpoint, options, calibration);
        long bytes = writeAtomically(model, out);
        return new ExportResult(out, bytes, model.getGraph().getNodeCount(), options.opset(), options.ttaLevel(),
                options.precision(), options.precision() == Precision.INT8 ? calibration.images() : 0);
    }

    /** The float32 graph (no test-time augmentation) with the activations an int8 graph quantizes as outputs. */
    public static CalibrationModel calibrationModel(Checkpoint checkpoint) {
        ExportOptions options = ExportOptions.defaults();
        FoldedNetwork network = FoldedNetwork.of(checkpoint);
        OnnxGraphBuilder graph = newGraph(checkpoint, options);
        NetworkGraph writer = appendClassifier(graph, checkpoint, network, options, null);
        writer.activations().forEach(graph::floatOutputOfAnyShape);
        return new CalibrationModel(model(checkpoint, options, graph, network).build().toByteArray(),
                writer.activations(), ImageGeometry.of(checkpoint.architecture()));
    }

    static ModelProto toModel(Checkpoint checkpoint, ExportOptions options) {
        return toModel(checkpoint, options, null);
    }

    static ModelProto toModel(Checkpoint checkpoint, ExportOptions options, Calibration calibration) {
        Calibration used = options.precision() == Precision.INT8 ? calibration : null;
        if (options.precision() == Precision.INT8 && calibration == null) {
            throw new IllegalArgumentException("an int8 export needs a calibration of the checkpoint's activations");
        }
        FoldedNetwork network = FoldedNetwork.of(checkpoint);
        OnnxGraphBuilder graph = newGraph(checkpoint, options);
        appendClassifier(graph, checkpoint, network, options, used);
        ModelProto.Builder model = model(checkpoint, options, graph, network);
        for (Map.Entry<String, String> entry : OnnxMetadata.describe(checkpoint, options, used).entrySet()) {
            model.addMetadataProps(StringStringEntryProto.newBuilder()
                    .setKey(entry.getKey())
                    .setValue(entry.getValue()));
        }
        return model.build();
    }

    private static OnnxGraphBuilder newGraph(Checkpoint checkpoint, ExportOptions options) {
        return new OnnxGraphBuilder("lightspeed-" + checkpoint.architecture().name()
                + (options.tta() ? "-tta" + TtaGraph.LEVEL : "")
                + (options.precision() == Precision.FP32 ? "" : "-" + options.precision().label()));
    }

    /** Input, network (averaged over the TTA views if asked) and logits output; returns the network's writer. */
    private static NetworkGraph appendClassifier(OnnxGraphBuilder graph, Checkpoint checkpoint, FoldedNetwork network,
            ExportOptions options, Calibration calibration) {
        ImageGeometry geometry = ImageGeometry.of(checkpoint.architecture());
        String image = graph.floatInput(OnnxContract.INPUT, OnnxContract.BATCH, geometry.channels(), geometry.size(),
                geometry.size());
        String logits = OnnxContract.OUTPUT;
        NetworkGraph writer = options.tta()
                ? TtaGraph.appendAveragedLogits(graph, options.opset(), calibration, options.int8Weights(), network,
                        image, logits)
                : NetworkGraph.append(graph, options.opset(), calibration, options.int8Weights(), network, image,
                        logits);
        graph.floatOutput(OnnxContract.OUTPUT, OnnxContract.BATCH, network.numClasses());
        return writer;
    }

    private static ModelProto.Builder model(Checkpoint checkpoint, ExportOptions options, OnnxGraphBuilder graph,
            FoldedNetwork network) {
        return ModelProto.newBuilder()
                .setIrVersion(options.irVersion())
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(options.opset()))
                .setProducerName(OnnxContract.PRODUCER)
                .setProducerVersion(options.producerVersion())
                .setModelVersion(1)
                .setDocString("image classifier " + checkpoint.architecture().name() + " (preset "
                        + checkpoint.recipe().preset() + ", seed " + checkpoint.seed() + ", "
                        + options.precision().label() + "): " + OnnxContract.INPUT + " float32 "
                        + ImageGeometry.of(checkpoint.architecture()).batchShape() + " RGB in [0, 1] -> "
                        + OnnxContract.OUTPUT + " float32 [N, " + network.numClasses() + "]")
                .setGraph(graph.build());
    }

    private static long writeAtomically(ModelProto model, Path out) {
        Path target = out.toAbsolutePath().normalize();
        if (Files.isDirectory(target)) {
            throw new InputError(out + " is a folder; pass a file name for the model, such as "
                    + out.resolve("model.onnx"));
        }
        try {
            AtomicFiles.write(target, channel -> {
                OutputStream buffered = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
                model.writeTo(buffered);
                buffered.flush();
            });
            return Files.size(target);
        } catch (IOException e) {
            throw new InputError("cannot write ONNX model " + out + " (" + reason(e)
                    + "); choose an output path in a writable folder", e);
        }
    }

    private static String reason(IOException e) {
        if (e instanceof FileAlreadyExistsException exists) {
            // Only createDirectories throws this here: a file sits where a folder of the path should be.
            return exists.getFile() + " is a file, not a folder";
        }
        return Failures.oneLine(e);
    }
}
