package dev.lightspeed.export;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.lightspeed.models.OnnxContract;

import java.nio.FloatBuffer;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Runs a serialized ONNX model in ONNX Runtime on the CPU, for tests. */
final class OrtScoring {

    private OrtScoring() {
    }

    static float[][] logits(byte[] model, float[] images, int count) throws OrtException {
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.setIntraOpNumThreads(2);
            try (OrtSession session = environment.createSession(model, options);
                 OnnxTensor input = OnnxTensor.createTensor(environment, FloatBuffer.wrap(images),
                         new long[] {count, 3, 32, 32});
                 OrtSession.Result result = session.run(Map.of(OnnxContract.INPUT, input))) {
                return (float[][]) result.get(OnnxContract.OUTPUT).orElseThrow().getValue();
            }
        }
    }

    /** The named outputs of a model, each flattened. */
    static Map<String, float[]> outputs(byte[] model, float[] images, int count, List<String> names)
            throws OrtException {
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
             OrtSession session = environment.createSession(model, options);
             OnnxTensor input = OnnxTensor.createTensor(environment, FloatBuffer.wrap(images),
                     new long[] {count, 3, 32, 32});
             OrtSession.Result result = session.run(Map.of(OnnxContract.INPUT, input), new HashSet<>(names))) {
            Map<String, float[]> values = new LinkedHashMap<>();
            for (String name : names) {
                FloatBuffer buffer = ((OnnxTensor) result.get(name).orElseThrow()).getFloatBuffer();
                float[] flat = new float[buffer.remaining()];
                buffer.get(flat);
                values.put(name, flat);
            }
            return values;
        }
    }
}
