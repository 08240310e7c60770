package dev.lightspeed.infer;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.lightspeed.data.ImageSplit;
import dev.lightspeed.data.Pixels;
import dev.lightspeed.export.ActivationRange;
import dev.lightspeed.export.Calibration;
import dev.lightspeed.export.CalibrationModel;
import dev.lightspeed.export.OnnxExporter;
import dev.lightspeed.models.Checkpoint;

import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;

/**
 * Measures the activation ranges an int8 export needs by running a checkpoint's float32
 * {@link CalibrationModel} through ONNX Runtime on images spread evenly over a split (every k-th image, so that
 * the classes appear in their usual proportions). Calibrate on training images: ranges taken from the test set
 * would leak it into the model.
 */
public final class ActivationCalibrator {

    private static final int BATCH = 128;

    private ActivationCalibrator() {
    }

    /** The calibration an int8 export of {@code checkpoint} needs, measured on the CPU. */
    public static Calibration measure(Checkpoint checkpoint, ImageSplit split, int images) {
        return measure(OnnxExporter.calibrationModel(checkpoint), split, images, SessionSettings.cpu());
    }

    /** @param images how many images of {@code split} to use, at most its size */
    public static Calibration measure(CalibrationModel model, ImageSplit split, int images, SessionSettings settings) {
        if (images < 1 || images > split.count()) {
            throw new IllegalArgumentException("cannot calibrate on " + images + " of " + split.count() + " images");
        }
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.setIntraOpNumThreads(settings.threads());
            try (OrtSession session = environment.createSession(model.onnx(), options)) {
                return measure(environment, session, model, split, images);
            }
        } catch (OrtException e) {
            throw new IllegalStateException("onnxruntime failed while calibrating: " + OrtMessages.firstLine(e), e);
        }
    }

    private static Calibration measure(OrtEnvironment environment, OrtSession session, CalibrationModel model,
            ImageSplit split, int images) throws OrtException {
        Map<String, ActivationRange> ranges = new HashMap<>();
        float[] pixels = new float[Math.min(BATCH, images) * split.imageBytes()];
        for (int first = 0; first < images; first += BATCH) {
            int count = Math.min(BATCH, images - first);
            for (int i = 0; i < count; i++) {
                Pixels.toUnitRange(split.images(), split.imageBytes(), spreadIndex(first + i, images,
                        split.count()), 1, pixels, i * split.imageBytes());
            }
            long[] shape = {count, split.channels(), split.imageSize(), split.imageSize()};
            try (OnnxTensor input = OnnxTensor.createTensor(environment,
                    FloatBuffer.wrap(pixels, 0, count * split.imageBytes()), shape);
                 OrtSession.Result result = session.run(Map.of(OnnxExporter.INPUT, input),
                         new HashSet<>(model.activations()))) {
                for (String activation : model.activations()) {
                    OnnxTensor values = (OnnxTensor) result.get(activation).orElseThrow();
                    ranges.merge(activation, ActivationRange.of(values.getFloatBuffer()), ActivationRange::union);
                }
            }
        }
        return new Calibration(ranges, images);
    }

    /** The i-th of n indices spread evenly over 0 .. total − 1. */
    static int spreadIndex(int i, int n, int total) {
        return (int) ((long) i * total / n);
    }
}
