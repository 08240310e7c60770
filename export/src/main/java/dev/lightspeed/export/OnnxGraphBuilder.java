package dev.lightspeed.export;

import com.google.protobuf.ByteString;
import dev.lightspeed.export.onnx.AttributeProto;
import dev.lightspeed.export.onnx.GraphProto;
import dev.lightspeed.export.onnx.NodeProto;
import dev.lightspeed.export.onnx.TensorProto;
import dev.lightspeed.export.onnx.TensorShapeProto;
import dev.lightspeed.export.onnx.TypeProto;
import dev.lightspeed.export.onnx.ValueInfoProto;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Appends nodes and initializers to an ONNX graph. Every value is named after the step that produces it
 * ({@code groups.1.conv2}, {@code groups.1.conv2/gelu}), so that a profiler or a graph viewer shows the network's own
 * vocabulary; names are checked for uniqueness because ONNX requires each value to have one producer.
 */
final class OnnxGraphBuilder {

    private final GraphProto.Builder graph = GraphProto.newBuilder();
    private final Set<String> names = new HashSet<>();

    OnnxGraphBuilder(String graphName) {
        graph.setName(graphName);
    }

    /** Declares a float32 graph input of shape [batchDimension, dims...], the batch size left symbolic. */
    String floatInput(String name, String batchDimension, long... dims) {
        graph.addInput(floatValueInfo(claim(name), batchDimension, dims));
        return name;
    }

    void floatOutput(String name, String batchDimension, long... dims) {
        graph.addOutput(floatValueInfo(name, batchDimension, dims));
    }

    /** Exposes an intermediate float32 value as a graph output, its shape left to shape inference. */
    void floatOutputOfAnyShape(String name) {
        TypeProto.Tensor tensorType = TypeProto.Tensor.newBuilder()
                .setElemType(TensorProto.DataType.FLOAT.getNumber())
                .build();
        graph.addOutput(ValueInfoProto.newBuilder().setName(name)
                .setType(TypeProto.newBuilder().setTensorType(tensorType)));
    }

    /** A float32 constant stored as little-endian raw bytes, the compact encoding for large weights. */
    String floatInitializer(String name, long[] dims, float[] values) {
        ByteBuffer bytes = littleEndian(4 * values.length);
        bytes.asFloatBuffer().put(values);
        return rawInitializer(name, TensorProto.DataType.FLOAT, dims, bytes.array());
    }

    String int8Initializer(String name, long[] dims, byte[] values) {
        return rawInitializer(name, TensorProto.DataType.INT8, dims, values);
    }

    /** uint8 values given as ints in 0..255. */
    String uint8Initializer(String name, long[] dims, int... values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            if (values[i] < 0 || values[i] > 255) {
                throw new IllegalArgumentException("uint8 value " + values[i] + " out of range");
            }
            bytes[i] = (byte) values[i];
        }
        return rawInitializer(name, TensorProto.DataType.UINT8, dims, bytes);
    }

    String int32Initializer(String name, long[] dims, int[] values) {
        ByteBuffer bytes = littleEndian(4 * values.length);
        bytes.asIntBuffer().put(values);
        return rawInitializer(name, TensorProto.DataType.INT32, dims, bytes.array());
    }

    private String rawInitializer(String name, TensorProto.DataType type, long[] dims, byte[] littleEndianBytes) {
        TensorProto.Builder tensor = TensorProto.newBuilder()
                .setName(claim(name))
                .setDataType(type.getNumber())
                .setRawData(ByteString.copyFrom(littleEndianBytes));
        for (long d : dims) {
            tensor.addDims(d);
        }
        graph.addInitializer(tensor);
        return name;
    }

    private static ByteBuffer littleEndian(int bytes) {
        return ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    String floatScalar(String name, float value) {
        return floatInitializer(name, new long[0], new float[] {value});
    }

    /** A one-dimensional int64 constant, the type ONNX wants for shapes, pads, axes and slice bounds. */
    String int64Vector(String name, long... values) {
        TensorProto.Builder tensor = TensorProto.newBuilder()
                .setName(claim(name))
                .setDataType(TensorProto.DataType.INT64.getNumber())
                .addDims(values.length);
        for (long v : values) {
            tensor.addInt64Data(v);
        }
        graph.addInitializer(tensor);
        return name;
    }

    /** Adds one node whose single output is named {@code name}; returns that name. */
    String node(String name, String opType, List<String> inputs, AttributeProto... attributes) {
        NodeProto.Builder node = NodeProto.newBuilder()
                .setName(name)
                .setOpType(opType)
                .addAllInput(inputs)
                .addOutput(claim(name));
        for (AttributeProto attribute : attributes) {
            node.addAttribute(attribute);
        }
        graph.addNode(node);
        return name;
    }

    int nodeCount() {
        return graph.getNodeCount();
    }

    GraphProto build() {
        return graph.build();
    }

    static AttributeProto ints(String name, long... values) {
        AttributeProto.Builder attribute = AttributeProto.newBuilder()
                .setName(name)
                .setType(AttributeProto.AttributeType.INTS);
        for (long v : values) {
            attribute.addInts(v);
        }
        return attribute.build();
    }

    static AttributeProto integer(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    static AttributeProto floating(String name, float value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(value)
                .build();
    }

    static AttributeProto string(String name, String value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRING)
                .setS(ByteString.copyFromUtf8(value)).build();
    }

    private String claim(String name) {
        if (!names.add(name)) {
            throw new IllegalStateException("ONNX value " + name + " would have two producers");
        }
        return name;
    }

    private static ValueInfoProto floatValueInfo(String name, String batchDimension, long... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(batchDimension));
        for (long d : dims) {
            shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        TypeProto.Tensor tensorType = TypeProto.Tensor.newBuilder()
                .setElemType(TensorProto.DataType.FLOAT.getNumber())
                .setShape(shape)
                .build();
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(tensorType))
                .build();
    }
}
