package dev.lightspeed.infer;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.lightspeed.models.ImageGeometry;
import dev.lightspeed.models.InputError;
import dev.lightspeed.models.OnnxContract;
import dev.lightspeed.models.trace.ChromeTrace;
import dev.lightspeed.models.trace.TraceRecorder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * An ONNX Runtime session on an image classifier, checked on opening: one float32 input [N, channels, size, size]
 * with a free batch dimension (its fixed dimensions are the images the model takes), float32 logits
 * [N, classes] out, read as {@link OnnxContract} describes. All graph optimizations are on.
 *
 * <p>{@link #logits} may be called from many threads at once: ONNX Runtime's runs of one session are thread-safe,
 * and each call has input memory of its own. Closing while calls run is not guarded here; {@link OnnxClassifier}
 * does that.
 */
final class ScoringSession implements AutoCloseable {

    private final OrtEnvironment environment;
    private final OrtSession.SessionOptions options;
    private final OrtSession session;
    private final ModelInfo info;
    private final SessionSettings settings;
    private final double openSeconds;
    /** Where ONNX Runtime's profiler writes its trace, for a profiled session until it ends; null otherwise. */
    private Path profileFolder;
    private final InputBuffers inputs = new InputBuffers();

    private ScoringSession(OrtEnvironment environment, OrtSession.SessionOptions options, OrtSession session,
            ModelInfo info, SessionSettings settings, double openSeconds, Path profileFolder) {
        this.environment = environment;
        this.options = options;
        this.session = session;
        this.info = info;
        this.settings = settings;
        this.openSeconds = openSeconds;
        this.profileFolder = profileFolder;
    }

    /**
     * Loads and checks a model.
     *
     * @throws InputError when the file is missing, not ONNX, not an image classifier of a shape lightspeed can
     *                    feed, or the provider is unavailable
     */
    static ScoringSession open(Path model, SessionSettings settings) {
        return open(model, settings, false);
    }

    /**
     * Loads and checks a model, with ONNX Runtime's own profiler recording from the start (loading, graph
     * optimization, then every node of every run) until {@link #endProfilingInto}.
     */
    static ScoringSession openProfiled(Path model, SessionSettings settings) {
        return open(model, settings, true);
    }

    private static ScoringSession open(Path model, SessionSettings settings, boolean profiled) {
        requireFile(model);
        long start = System.nanoTime();
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        OrtSession session = null;
        Path profileFolder = null;
        try {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.setIntraOpNumThreads(settings.threads());
            settings.provider().addTo(options);
            if (profiled) {
                profileFolder = Files.createTempDirectory("lightspeed-onnxruntime-profile");
                options.enableProfiling(profileFolder.resolve("onnxruntime").toString());
            }
            session = environment.createSession(model.toString(), options);
            ModelInfo info = describe(model, session);
            double seconds = (System.nanoTime() - start) / 1e9;
            return new ScoringSession(environment, options, session, info, settings, seconds, profileFolder);
        } catch (OrtException e) {
            closeQuietly(session, options, profileFolder);
            throw new InputError(model + " is not a usable ONNX model (" + OrtMessages.firstLine(e)
                    + "); pass the .onnx file written by lightspeed export", e);
        } catch (IOException e) {
            closeQuietly(session, options, profileFolder);
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            closeQuietly(session, options, profileFolder);
            throw e;
        }
    }

    ModelInfo info() {
        return info;
    }

    SessionSettings settings() {
        return settings;
    }

    /** Seconds spent loading the model and building the session (graph optimization included). */
    double openSeconds() {
        return openSeconds;
    }

    /**
     * Scores {@code count} images, NCHW pixels in [0, 1] of the model's {@link ModelInfo#geometry()} at the start
     * of {@code pixels}; returns their logits, {@code count × classes} row-major.
     */
    float[] logits(float[] pixels, int count) {
        ImageGeometry geometry = info.geometry();
        int imageFloats = geometry.values();
        if (count < 1) {
            throw new IllegalArgumentException("a call scores 1 image or more, got " + count);
        }
        long floats = (long) count * imageFloats;
        if (pixels.length < floats) {
            throw new IllegalArgumentException(count + " images need " + floats + " floats, got " + pixels.length);
        }
        long[] shape = {count, geometry.channels(), geometry.size(), geometry.size()};
        FloatBuffer input = inputs.borrow((int) floats);
        try {
            input.put(pixels, 0, (int) floats).flip();
            try (OnnxTensor tensor = OnnxTensor.createTensor(environment, input, shape);
                 OrtSession.Result result = session.run(Map.of(info.inputName(), tensor),
                         Set.of(info.outputName()))) {
                FloatBuffer output = ((OnnxTensor) result.get(0)).getFloatBuffer();
                float[] logits = new float[output.remaining()];
                output.get(logits);
                if (logits.length != count * info.numClasses()) {
                    throw new IllegalStateException(info.path() + " returned " + logits.length + " logits for "
                            + count + " images of " + info.numClasses() + " classes");
                }
                return logits;
            }
        } catch (OrtException e) {
            throw new IllegalStateException("onnxruntime failed on a batch of " + count + " images: "
                    + OrtMessages.firstLine(e), e);
        } finally {
            // Only now: the tensor read the buffer in place until it was closed.
            inputs.giveBack(input);
        }
    }

    /**
     * Stops ONNX Runtime's profiler of a session opened with {@link #openProfiled} and adds its events to
     * {@code trace}: ONNX Runtime counts them in microseconds from its profiling start, a time on the system clock.
     */
    void endProfilingInto(TraceRecorder trace) throws IOException {
        if (profileFolder == null) {
            throw new IllegalStateException("the session was not opened with openProfiled, or its profiling has "
                    + "ended");
        }
        try {
            long zero = session.getProfilingStartTimeInNs();
            Path written = Path.of(session.endProfiling());
            trace.merge(ChromeTrace.read(written).rawEvents(), zero);
        } catch (OrtException e) {
            throw new IllegalStateException("onnxruntime's profiler failed: " + OrtMessages.firstLine(e), e);
        } finally {
            Path folder = profileFolder;
            profileFolder = null;
            deleteFolder(folder);
        }
    }

    @Override
    public void close() {
        closeQuietly(session, options, profileFolder);
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
        String expected = "float32 images [N, channels, size, size] with a free batch dimension N";
        if (inputs.size() != 1) {
            throw new InputError(model + " has " + inputs.size() + " inputs " + inputs.keySet()
                    + "; lightspeed feeds one input, " + expected);
        }
        NodeInfo input = inputs.values().iterator().next();
        long[] inputShape = tensorShape(input);
        if (inputShape == null || !isFloat(input)) {
            throw new InputError(model + " takes input '" + input.getName() + "' as " + describe(input)
                    + "; lightspeed feeds " + expected);
        }
        ImageGeometry geometry;
        try {
            geometry = OnnxContract.geometry(inputShape);
        } catch (IllegalArgumentException e) {
            throw new InputError(model + " takes input '" + input.getName() + "' as " + describe(input) + "; "
                    + e.getMessage());
        }

        NodeInfo output = chooseOutput(model, session.getOutputInfo());
        long[] outputShape = tensorShape(output);
        if (outputShape == null || !isFloat(output) || outputShape.length != 2) {
            throw new InputError(model + " outputs '" + output.getName() + "' as " + describe(output)
                    + "; a classifier's logits are float32 [N, classes]");
        }

        Map<String, String> metadata = session.getMetadata().getCustomMetadata();
        String storedClasses = metadata.get(OnnxContract.KEY_CLASSES);
        List<String> classes = classes(model, storedClasses, outputShape[1]);
        int ttaLevel = integer(metadata.get(OnnxContract.KEY_TTA_LEVEL));
        String producer = (session.getMetadata().getProducerName() + " " + session.getMetadata().getVersion())
                .strip();
        // lightspeed models from before int8 export carry no precision and are all float32.
        String precision = metadata.getOrDefault(OnnxContract.KEY_PRECISION,
                metadata.containsKey(OnnxContract.KEY_FORMAT) ? "fp32" : "unknown");
        return new ModelInfo(model, input.getName(), output.getName(), geometry, classes, storedClasses != null,
                ttaLevel, producer, precision);
    }

    private static NodeInfo chooseOutput(Path model, Map<String, NodeInfo> outputs) {
        if (outputs.containsKey(OnnxContract.OUTPUT)) {
            return outputs.get(OnnxContract.OUTPUT);
        }
        if (outputs.size() != 1) {
            throw new InputError(model + " has outputs " + outputs.keySet() + " and none named '"
                    + OnnxContract.OUTPUT + "'; pass a classifier with one logits output");
        }
        return outputs.values().iterator().next();
    }

    /**
     * Class names from the metadata, checked against the output width; a model without them (not written by
     * lightspeed) gets "class 0", "class 1", ... for its outputs.
     */
    private static List<String> classes(Path model, String stored, long outputWidth) {
        List<String> classes;
        if (stored != null) {
            try {
                classes = OnnxContract.parseClasses(stored);
            } catch (IllegalArgumentException e) {
                throw new InputError(model + " has unreadable class names in its metadata (" + e.getMessage()
                        + "); export the model again with lightspeed export");
            }
        } else if (outputWidth > 0) {
            classes = new ArrayList<>();
            for (int i = 0; i < outputWidth; i++) {
                classes.add("class " + i);
            }
        } else {
            throw new InputError(model + " neither fixes its number of outputs nor names its classes in its "
                    + "metadata; pass a classifier with a fixed number of logits");
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

    private static void closeQuietly(OrtSession session, OrtSession.SessionOptions options, Path profileFolder) {
        try {
            if (session != null) {
                session.close();
            }
        } catch (OrtException ignored) {
            // Closing releases native memory; a failure there leaves nothing for the caller to do.
        }
        options.close();
        if (profileFolder != null) {
            // A profiled session that was not ended writes its trace as it closes; nobody asked for that one.
            try {
                deleteFolder(profileFolder);
            } catch (IOException ignored) {
                // A file left in the temporary folder is the system's to clean.
            }
        }
    }

    private static void deleteFolder(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
        }
        Files.deleteIfExists(folder);
    }
}
