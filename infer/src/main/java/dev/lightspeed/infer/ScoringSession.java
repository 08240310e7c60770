package dev.lightspeed.infer;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.lightspeed.data.Cifar10;
import dev.lightspeed.export.OnnxExporter;
import dev.lightspeed.export.OnnxMetadata;
import dev.lightspeed.models.InputError;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * An ONNX Runtime session on an image classifier, checked on opening: one float32 input [N, 3, 32, 32] with a
 * free batch dimension, float32 logits [N, classes] out. All graph optimizations are on. Not thread-safe.
 */
public final class ScoringSession implements AutoCloseable {

    /** The input size the data pipeline and the image reader produce. */
    public static final int IMAGE_SIZE = 32;
    public static final int CHANNELS = 3;

    private final OrtEnvironment environment;
    private final OrtSession.SessionOptions options;
    private final OrtSession session;
    private final ModelInfo info;
    private final SessionSettings settings;
    private final double openSeconds;
    /**
     * Reused native input memory. ONNX Runtime reads a direct buffer in place; from a heap array it would copy
     * every batch into a freshly allocated direct buffer, which cost the int8 model 15 to 30 ms of a 300 ms
     * 1000-image batch.
     */
    private FloatBuffer input = FloatBuffer.allocate(0);

    private ScoringSession(OrtEnvironment environment, OrtSession.SessionOptions options, OrtSession session,
            ModelInfo info, SessionSettings settings, double openSeconds) {
        this.environment = environment;
        this.options = options;
        this.session = session;
        this.info = info;
        this.settings = settings;
        this.openSeconds = openSeconds;
    }

    /**
     * Loads and checks a model.
     *
     * @throws InputError when the file is missing, not ONNX, not an image classifier of the expected shape, or the
     *                    provider is unavailable
     */
    public static ScoringSession open(Path model, SessionSettings settings) {
        requireFile(model);
        long start = System.nanoTime();
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        OrtSession session = null;
        try {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.setIntraOpNumThreads(settings.threads());
            settings.provider().addTo(options);
            session = environment.createSession(model.toString(), options);
            ModelInfo info = describe(model, session);
            double seconds = (System.nanoTime() - start) / 1e9;
            return new ScoringSession(environment, options, session, info, settings, seconds);
        } catch (OrtException e) {
            closeQuietly(session, options);
            throw new InputError(model + " is not a usable ONNX model (" + OrtMessages.firstLine(e)
                    + "); pass the .onnx file written by lightspeed export", e);
        } catch (RuntimeException e) {
            closeQuietly(session, options);
            throw e;
        }
    }

    public ModelInfo info() {
        return info;
    }

    public SessionSettings settings() {
        return settings;
    }

    /** Seconds spent loading the model and building the session (graph optimization included). */
    public double openSeconds() {
        return openSeconds;
    }

    /**
     * Scores {@code count} images, NCHW pixels in [0, 1] at the start of {@code pixels}; returns their logits,
     * {@code count × classes} row-major.
     */
    public float[] logits(float[] pixels, int count) {
        int imageFloats = CHANNELS * IMAGE_SIZE * IMAGE_SIZE;
        if (pixels.length < count * imageFloats) {
            throw new IllegalArgumentException(count + " images need " + count * imageFloats + " floats, got "
                    + pixels.length);
        }
        long[] shape = {count, CHANNELS, IMAGE_SIZE, IMAGE_SIZE};
        if (input.capacity() < count * imageFloats) {
            input = ByteBuffer.allocateDirect(4 * count * imageFloats).order(ByteOrder.nativeOrder()).asFloatBuffer();
        }
        input.clear();
        input.put(pixels, 0, count * imageFloats).flip();
        try (OnnxTensor tensor = OnnxTensor.createTensor(environment, input, shape);
             OrtSession.Result result = session.run(Map.of(info.inputName(), tensor), Set.of(info.outputName()))) {
            FloatBuffer output = ((OnnxTensor) result.get(0)).getFloatBuffer();
            float[] logits = new float[output.remaining()];
            output.get(logits);
            if (logits.length != count * info.numClasses()) {
                throw new IllegalStateException(info.path() + " returned " + logits.length + " logits for " + count
                        + " images of " + info.numClasses() + " classes");
            }
            return logits;
        } catch (OrtException e) {
            throw new IllegalStateException("onnxruntime failed on a batch of " + count + " images: "
                    + OrtMessages.firstLine(e), e);
        }
    }

    @Override
    public void close() {
        closeQuietly(session, options);
    }

    private static void requireFile(Path model) {
        if (Files.isDirectory(model)) {
            throw new InputError(model + " is a folder; pass the .onnx file written by lightspeed export");
        }
        if (!Files.isRegularFile(model)) {
            throw new InputError("model file " + model + " does not exist; pass the .onnx file written by "
                    + "lightspeed export");
        }
        if (!Files.isReadable(model)) {
            throw new InputError("model file " + model + " is not readable; check its permissions");
        }
    }

    private static ModelInfo describe(Path model, OrtSession session) throws OrtException {
        Map<String, NodeInfo> inputs = session.getInputInfo();
        String expected = "float32 [N, " + CHANNELS + ", " + IMAGE_SIZE + ", " + IMAGE_SIZE + "] with a free batch "
                + "dimension N";
        if (inputs.size() != 1) {
            throw new InputError(model + " has " + inputs.size() + " inputs " + inputs.keySet()
                    + "; lightspeed feeds one image input, " + expected);
        }
        NodeInfo input = inputs.values().iterator().next();
        long[] inputShape = tensorShape(input);
        if (inputShape == null || !isFloat(input) || inputShape.length != 4 || inputShape[0] > 0
                || inputShape[1] != CHANNELS || inputShape[2] != IMAGE_SIZE || inputShape[3] != IMAGE_SIZE) {
            throw new InputError(model + " takes input '" + input.getName() + "' as " + describe(input)
                    + "; lightspeed feeds CIFAR-10 images, " + expected);
        }

        NodeInfo output = chooseOutput(model, session.getOutputInfo());
        long[] outputShape = tensorShape(output);
        if (outputShape == null || !isFloat(output) || outputShape.length != 2) {
            throw new InputError(model + " outputs '" + output.getName() + "' as " + describe(output)
                    + "; a classifier's logits are float32 [N, classes]");
        }

        Map<String, String> metadata = session.getMetadata().getCustomMetadata();
        List<String> classes = classes(model, metadata, outputShape[1]);
        int ttaLevel = integer(metadata.get(OnnxMetadata.KEY_TTA_LEVEL));
        String producer = (session.getMetadata().getProducerName() + " " + session.getMetadata().getVersion())
                .strip();
        // lightspeed models from before int8 export carry no precision and are all float32.
        String precision = metadata.getOrDefault(OnnxMetadata.KEY_PRECISION,
                metadata.containsKey(OnnxMetadata.KEY_FORMAT) ? "fp32" : "unknown");
        return new ModelInfo(model, input.getName(), output.getName(), IMAGE_SIZE, classes, ttaLevel, producer,
                precision);
    }

    private static NodeInfo chooseOutput(Path model, Map<String, NodeInfo> outputs) {
        if (outputs.containsKey(OnnxExporter.OUTPUT)) {
            return outputs.get(OnnxExporter.OUTPUT);
        }
        if (outputs.size() != 1) {
            throw new InputError(model + " has outputs " + outputs.keySet() + " and none named '"
                    + OnnxExporter.OUTPUT + "'; pass a classifier with one logits output");
        }
        return outputs.values().iterator().next();
    }

    /**
     * Class names from the metadata, checked against the output width; a foreign model without them is taken to
     * be a CIFAR-10 classifier when it has ten outputs.
     */
    private static List<String> classes(Path model, Map<String, String> metadata, long outputWidth) {
        String stored = metadata.get(OnnxMetadata.KEY_CLASSES);
        List<String> classes;
        if (stored != null) {
            try {
                classes = OnnxMetadata.parseClasses(stored);
            } catch (IllegalArgumentException e) {
                throw new InputError(model + " has unreadable class names in its metadata (" + e.getMessage()
                        + "); export the model again with lightspeed export");
            }
        } else if (outputWidth == Cifar10.INFO.numClasses() || outputWidth < 0) {
            classes = Cifar10.INFO.classes();
        } else {
            classes = new ArrayList<>();
            for (int i = 0; i < outputWidth; i++) {
                classes.add("class " + i);
            }
        }
        if (outputWidth > 0 && outputWidth != classes.size()) {
            throw new InputError(model + " outputs " + outputWidth + " logits but names " + classes.size()
                    + " classes; export the model again with lightspeed export");
        }
        return classes;
    }

    private static int integer(String value) {
        if (value == null) {
            return 0;
        }
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static long[] tensorShape(NodeInfo node) {
        return node.getInfo() instanceof TensorInfo tensor ? tensor.getShape() : null;
    }

    private static boolean isFloat(NodeInfo node) {
        return node.getInfo() instanceof TensorInfo tensor && tensor.type == OnnxJavaType.FLOAT;
    }

    private static String describe(NodeInfo node) {
        if (node.getInfo() instanceof TensorInfo tensor) {
            String shape = Arrays.toString(tensor.getShape()).replace("-1", "?");
            return tensor.type.toString().toLowerCase(Locale.ROOT) + " " + shape;
        }
        return "a non-tensor value";
    }

    private static void closeQuietly(OrtSession session, OrtSession.SessionOptions options) {
        try {
            if (session != null) {
                session.close();
            }
        } catch (OrtException ignored) {
            // Closing releases native memory; a failure there leaves nothing for the caller to do.
        }
        options.close();
    }
}
