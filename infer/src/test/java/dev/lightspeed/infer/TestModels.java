package dev.lightspeed.infer;

import com.google.protobuf.ByteString;
import dev.lightspeed.data.ImageSplit;
import dev.lightspeed.export.ExportOptions;
import dev.lightspeed.export.OnnxExporter;
import dev.lightspeed.export.RandomCheckpoints;
import dev.lightspeed.export.onnx.AttributeProto;
import dev.lightspeed.export.onnx.GraphProto;
import dev.lightspeed.export.onnx.ModelProto;
import dev.lightspeed.export.onnx.NodeProto;
import dev.lightspeed.export.onnx.OperatorSetIdProto;
import dev.lightspeed.export.onnx.TensorProto;
import dev.lightspeed.export.onnx.TensorShapeProto;
import dev.lightspeed.export.onnx.TypeProto;
import dev.lightspeed.export.onnx.ValueInfoProto;
import dev.lightspeed.models.ArchitectureSpec;
import dev.lightspeed.models.Checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** ONNX files for tests: exported random checkpoints, and small foreign classifiers of any signature. */
final class TestModels {

    static final long CHECKPOINT_SEED = 21;
    static final Checkpoint CHECKPOINT = RandomCheckpoints.airbench94(CHECKPOINT_SEED);

    private TestModels() {
    }

    /** A split of images shaped for {@link #CHECKPOINT}. */
    static ImageSplit split(byte[] images, int[] labels) {
        ArchitectureSpec spec = CHECKPOINT.architecture();
        return new ImageSplit(images, labels, spec.inputChannels(), spec.imageSize());
    }

    /** Bytes of one image shaped for {@link #CHECKPOINT}. */
    static int imageBytes() {
        ArchitectureSpec spec = CHECKPOINT.architecture();
        return spec.inputChannels() * spec.imageSize() * spec.imageSize();
    }

    static Path exported(Path folder, boolean tta) {
        Path out = folder.resolve(tta ? "model-tta.onnx" : "model.onnx");
        OnnxExporter.export(CHECKPOINT, out, ExportOptions.defaults().withTta(tta));
        return out;
    }

    /**
     * A linear classifier without lightspeed metadata: input [batch, channels, size, size] flattened, then a
     * Gemm to {@code classes} outputs. {@code batch} null gives a symbolic batch dimension.
     */
    static Path foreign(Path folder, String name, Long batch, int channels, int size, int classes)
            throws IOException {
        int features = channels * size * size;
        ByteBuffer weights = ByteBuffer.allocate(4 * features * classes).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < features * classes; i++) {
            weights.putFloat((i % 7) * 0.01f);
        }
        GraphProto graph = GraphProto.newBuilder()
                .setName("foreign")
                .addInput(value("pixels", batch, channels, size, size))
                .addOutput(value("scores", batch, classes))
                .addInitializer(TensorProto.newBuilder().setName("weights").addDims(classes).addDims(features)
                        .setDataType(TensorProto.DataType.FLOAT.getNumber())
                        .setRawData(ByteString.copyFrom(weights.array())))
                .addNode(NodeProto.newBuilder().setOpType("Flatten").addInput("pixels").addOutput("flat"))
                .addNode(NodeProto.newBuilder().setOpType("Gemm").addInput("flat").addInput("weights")
                        .addOutput("scores")
                        .addAttribute(AttributeProto.newBuilder().setName("transB").setI(1)
                                .setType(AttributeProto.AttributeType.INT)))
                .build();
        ModelProto model = ModelProto.newBuilder().setIrVersion(8).setGraph(graph)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(17))
                .build();
        Path file = folder.resolve(name);
        Files.write(file, model.toByteArray());
        return file;
    }

    private static ValueInfoProto value(String name, Long batch, long... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        shape.addDim(batch == null ? TensorShapeProto.Dimension.newBuilder().setDimParam("N")
                : TensorShapeProto.Dimension.newBuilder().setDimValue(batch));
        for (long d : dims) {
            shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT.getNumber()).setShape(shape)))
                .build();
    }
}
