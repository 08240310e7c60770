package dev.lightspeed.export;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.lightspeed.models.Checkpoint;
import dev.lightspeed.models.ImageGeometry;
import dev.lightspeed.models.OnnxContract;

import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;

/**
 * Measures the activation ranges an int8 export needs by running a checkpoint's float32
 * {@link CalibrationModel} through ONNX Runtime on batches of pixels. Which images those are is the caller's
 * choice; they should be training images, since ranges taken from the test set would leak it into the model.
 */
public final class ActivationCalibrator {

    private ActivationCalibrator() {
    }

    /**
     * The calibration an int8 export of {@code checkpoint} needs, measured on the CPU.
     *
     * @param batches NCHW float32 pixels in [0, 1] of the checkpoint's image geometry, each a whole number of images
     */
    public static Calibration measure(Checkpoint checkpoint, Iterable<float[]> batches) {
        return measure(OnnxExporter.calibrationModel(checkpoint), batches);
    }

    /** As {@link #measure(Checkpoint, Iterable)}, on a calibration model already built. */
    public static Calibration measure(CalibrationModel model, Iterable<float[]> batches) {
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            // ONNX Runtime's default counts physical cores, which virtual machines often hide.
            options.setIntraOpNumThreads(Runtime.getRuntime().availableProcessors());
            try (OrtSession session = environment.createSession(model.onnx(), options)) {
                return measure(environment, session, model, batches);
            }
        } catch (OrtException e) {
            throw new IllegalStateException("onnxruntime failed while calibrating: " + e.getMessage(), e);
        }
    }

    private static Calibration measure(OrtEnvironment environment, OrtSession session, CalibrationModel model,
            Iterable<float[]> batches) throws OrtException {
        ImageGeometry geometry = model.geometry();
        Map<String, ActivationRange> ranges = new HashMap<>();
        int images = 0;
        for (float[] pixels : batches) {
            if (pixels.length == 0 || pixels.length % geometry.values() != 0) {
                throw new IllegalArgumentException("a calibration batch of " + pixels.length + " values is not a "
                        + "whole number of " + geometry + " images");
            }
            int count = pixels.length / geometry.values();
            long[] shape = {count, geometry.channels(), geometry.size(), geometry.size()};
            try (OnnxTensor input = OnnxTensor.createTensor(environment, FloatBuffer.wrap(pixels), shape);
                 OrtSession.Result result = session.run(Map.of(OnnxContract.INPUT, input),
                         new HashSet<>(model.activations()))) {
                for (String activation : model.activations()) {
                    OnnxTensor values = (OnnxTensor) result.get(activation).orElseThrow();
                    ranges.merge(activation, ActivationRange.of(values.getFloatBuffer()), ActivationRange::union);
                }
            }
            images += count;
        }
        return new Calibration(ranges, images);
    }
}
