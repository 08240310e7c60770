package dev.lightspeed.export;

import dev.lightspeed.export.onnx.ModelProto;
import dev.lightspeed.export.onnx.OperatorSetIdProto;
import dev.lightspeed.export.onnx.StringStringEntryProto;
import dev.lightspeed.models.AtomicFiles;
import dev.lightspeed.models.Checkpoint;
import dev.lightspeed.models.InputError;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.io.OutputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Turns a trained checkpoint into an ONNX model: graph input {@value #INPUT} (float32 [N, 3, 32, 32], RGB in
 * [0, 1], normalized inside the graph) and output {@value #OUTPUT} (float32 [N, classes]). The graph holds only
 * inference operators, with batchnorms and normalization folded into the convolutions (see
 * {@link FoldedNetwork}); with {@link ExportOptions#tta()} it averages the trainer's level-2 test-time
 * augmentation in one call.
 */
public final class OnnxExporter {

    public static final String INPUT = "image";
    public static final String OUTPUT = "logits";
    /** Name of the symbolic batch dimension. */
    public static final String BATCH = "N";
    public static final String PRODUCER = "lightspeed";

    private OnnxExporter() {
    }

    /**
     * Writes the model to {@code out} through a temporary file in the same folder, renamed into place, so that a
     * reader never sees half a model and a failed export leaves nothing behind.
     *
     * @throws InputError when the checkpoint cannot be exported or {@code out} cannot be written
     */
    public static ExportResult export(Checkpoint checkpoint, Path out, ExportOptions options) {
        ModelProto model = toModel(checkpoint, options);
        long bytes = writeAtomically(model, out);
        return new ExportResult(out, bytes, model.getGraph().getNodeCount(), options.opset(), options.ttaLevel());
    }

    static ModelProto toModel(Checkpoint checkpoint, ExportOptions options) {
        FoldedNetwork network = FoldedNetwork.of(checkpoint);
        int size = checkpoint.architecture().imageSize();
        OnnxGraphBuilder graph = new OnnxGraphBuilder("lightspeed-" + checkpoint.architecture().name()
                + (options.tta() ? "-tta" + TtaGraph.LEVEL : ""));
        String image = graph.floatInput(INPUT, BATCH, checkpoint.architecture().inputChannels(), size, size);
        if (options.tta()) {
            TtaGraph.appendAveragedLogits(graph, network, image, OUTPUT);
        } else {
            NetworkGraph.appendLogits(graph, network, image, OUTPUT);
        }
        graph.floatOutput(OUTPUT, BATCH, network.numClasses());

        ModelProto.Builder model = ModelProto.newBuilder()
                .setIrVersion(options.irVersion())
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(options.opset()))
                .setProducerName(PRODUCER)
                .setProducerVersion(options.producerVersion())
                .setModelVersion(1)
                .setDocString("CIFAR-10 classifier " + checkpoint.architecture().name() + " (preset "
                        + checkpoint.recipe().preset() + ", seed " + checkpoint.seed() + "): " + INPUT + " float32 [N, "
                        + checkpoint.architecture().inputChannels() + ", " + size + ", " + size + "] RGB in [0, 1] -> "
                        + OUTPUT
                        + " float32 [N, " + network.numClasses() + "]")
                .setGraph(graph.build());
        for (Map.Entry<String, String> entry : OnnxMetadata.describe(checkpoint, options).entrySet()) {
            model.addMetadataProps(StringStringEntryProto.newBuilder()
                    .setKey(entry.getKey())
                    .setValue(entry.getValue()));
        }
        return model.build();
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
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or folder";
        }
        if (e instanceof FileAlreadyExistsException exists) {
            // Only createDirectories throws this here: a file sits where a folder of the path should be.
            return exists.getFile() + " is a file, not a folder";
        }
        if (e instanceof FileSystemException fs && fs.getReason() != null) {
            return fs.getReason();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().replaceAll("\\s+", " ");
    }
}
