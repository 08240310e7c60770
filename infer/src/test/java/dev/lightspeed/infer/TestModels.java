package dev.lightspeed.infer;

import com.google.protobuf.CodedOutputStream;
import dev.lightspeed.models.ImageGeometry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

/**
 * Small linear ONNX classifiers for tests: the pixels flattened, then one matrix product, logits = W · x. They are
 * written field by field in protobuf's wire format (field numbers of onnx.proto), so that the scorer's tests need
 * no exporter, and their logits can be computed independently here.
 */
final class TestModels {

    private TestModels() {
    }

    /**
     * A written linear classifier.
     *
     * @param weights {@code classes × features} row-major
     */
    record Linear(Path file, int classes, int features, float[] weights) {

        /** The logits of image {@code image} of NCHW {@code pixels}, computed in double precision. */
        double[] logits(float[] pixels, int image) {
            double[] logits = new double[classes];
            for (int k = 0; k < classes; k++) {
                double sum = 0;
                for (int f = 0; f < features; f++) {
                    sum += (double) weights[k * features + f] * pixels[image * features + f];
                }
                logits[k] = sum;
            }
            return logits;
        }

        /** The class with the largest logit; fails the test when the runner-up is too close to call. */
        int predicted(float[] pixels, int image) {
            double[] logits = logits(pixels, image);
            int best = 0;
            for (int k = 1; k < classes; k++) {
                if (logits[k] > logits[best]) {
                    best = k;
                }
            }
            for (int k = 0; k < classes; k++) {
                if (k != best && logits[best] - logits[k] < 1e-3) {
                    throw new AssertionError("image " + image + ": classes " + best + " and " + k
                            + " are too close for float32 to agree with this reference");
                }
            }
            return best;
        }
    }

    /** A linear classifier with a free batch, input "pixels" and output "scores", and the given metadata. */
    static Linear linear(Path folder, String name, ImageGeometry geometry, int classes, Map<String, String> metadata) {
        return linear(folder, name, new Long[] {null, (long) geometry.channels(), (long) geometry.size(),
                (long) geometry.size()}, classes, "pixels", "scores", metadata);
    }

    /** A linear classifier of any input shape ({@code null} dimensions symbolic) over {@code classes} outputs. */
    static Linear linear(Path folder, String name, Long[] inputDims, int classes, String input, String output,
            Map<String, String> metadata) {
        int features = 1;
        for (int d = 1; d < inputDims.length; d++) {
            features *= inputDims[d] == null ? 1 : inputDims[d].intValue();
        }
        int rows = classes;
        float[] weights = new float[rows * features];
        Random random = new Random(name.hashCode());
        ByteBuffer raw = ByteBuffer.allocate(4 * weights.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < weights.length; i++) {
            weights[i] = (float) (random.nextGaussian() * 0.05);
            raw.putFloat(weights[i]);
        }
        Message graph = new Message()
                .string(2, "linear")
                .message(1, new Message().string(1, input).string(2, "flat").string(4, "Flatten"))
                .message(1, new Message().string(1, "flat").string(1, "weights").string(2, output).string(4, "Gemm")
                        .message(5, new Message().string(1, "transB").int64(3, 1).int64(20, 2)))
                .message(5, new Message().int64(1, rows).int64(1, features).int64(2, 1).string(8, "weights")
                        .bytes(9, raw.array()))
                .message(11, value(input, inputDims))
                .message(12, value(output, new Long[] {null, (long) classes}));
        Message model = new Message()
                .int64(1, 8)
                .string(2, "test")
                .message(7, graph)
                .message(8, new Message().string(1, "").int64(2, 17));
        metadata.forEach((key, value) -> model.message(14, new Message().string(1, key).string(2, value)));
        Path file = folder.resolve(name);
        try {
            Files.write(file, model.toBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Linear(file, rows, features, weights);
    }

    /** A float32 ValueInfoProto; {@code null} dimensions are symbolic. */
    private static Message value(String name, Long[] dims) {
        Message shape = new Message();
        for (int d = 0; d < dims.length; d++) {
            shape.message(1, dims[d] == null ? new Message().string(2, "d" + d) : new Message().int64(1, dims[d]));
        }
        Message tensor = new Message().int64(1, 1).message(2, shape);
        return new Message().string(1, name).message(2, new Message().message(1, tensor));
    }

    /** One protobuf message, its fields written in the order they are added. */
    private static final class Message {

        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final CodedOutputStream out = CodedOutputStream.newInstance(bytes);

        Message int64(int field, long value) {
            return write(() -> out.writeInt64(field, value));
        }

        Message string(int field, String value) {
            return write(() -> out.writeString(field, value));
        }

        Message bytes(int field, byte[] value) {
            return write(() -> out.writeByteArray(field, value));
        }

        Message message(int field, Message value) {
            return bytes(field, value.toBytes());
        }

        byte[] toBytes() {
            write(out::flush);
            return bytes.toByteArray();
        }

        private Message write(Write write) {
            try {
                write.run();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        private interface Write {
            void run() throws IOException;
        }
    }
}
