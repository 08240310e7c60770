package dev.lightspeed.models;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;

import java.util.List;

/**
 * What an ONNX classifier written by lightspeed promises the scorers that read it: one float32 input
 * {@value #INPUT} of shape [N, channels, size, size] (RGB pixels in [0, 1], a free batch dimension, fixed square
 * images: the shape is how the model states its image geometry), one float32 output {@value #OUTPUT} of shape
 * [N, classes], and the {@code metadata_props} keys below. The exporter writes through these names, the scorer
 * reads through them.
 */
public final class OnnxContract {

    public static final String INPUT = "image";
    public static final String OUTPUT = "logits";
    /** Name of the symbolic batch dimension. */
    public static final String BATCH = "N";
    public static final String PRODUCER = "lightspeed";

    /** Value of {@link #KEY_FORMAT} in every model written by lightspeed export. */
    public static final String FORMAT = "lightspeed-onnx-v1";

    public static final String KEY_FORMAT = "format";
    /** JSON list of class names in logit order. */
    public static final String KEY_CLASSES = "classes";
    /** JSON {@code {"mean": [...], "std": [...]}}; informative only, the graph normalizes by itself. */
    public static final String KEY_NORMALIZATION = "normalization";
    public static final String KEY_PRESET = "preset";
    /** JSON of the architecture spec. */
    public static final String KEY_ARCHITECTURE = "architecture";
    /** JSON of the training recipe. */
    public static final String KEY_RECIPE = "recipe";
    public static final String KEY_SEED = "seed";
    public static final String KEY_EPOCH = "epoch";
    /** Test accuracy the trainer measured, at the test-time augmentation level of {@link #KEY_ACCURACY_TTA_LEVEL}. */
    public static final String KEY_ACCURACY = "accuracy";
    public static final String KEY_ACCURACY_TTA_LEVEL = "accuracy_tta_level";
    /** Test-time augmentation the graph computes: 0 none, 2 mirror and 1-pixel shifts. */
    public static final String KEY_TTA_LEVEL = "tta_level";
    /** The input the graph expects, in words. */
    public static final String KEY_INPUT = "input";
    public static final String KEY_TOOL_VERSION = "tool_version";
    /** Number format of the convolutions: fp32 or int8. Models from before int8 export lack it and are fp32. */
    public static final String KEY_PRECISION = "precision";
    /** For int8: the quantization scheme and its calibration, in words. */
    public static final String KEY_QUANTIZATION = "quantization";
    /**
     * For int8: the range of the weight codes, reduced (±63, which every CPU computes correctly) or full (±127,
     * computed correctly only by CPUs with VNNI and by GPUs).
     */
    public static final String KEY_INT8_WEIGHTS = "int8_weights";

    private OnnxContract() {
    }

    /** The value of {@link #KEY_CLASSES} for these class names. */
    public static String encodeClasses(List<String> classes) {
        try {
            return Json.STRICT.writeValueAsString(classes);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The class names stored under {@link #KEY_CLASSES}; throws IllegalArgumentException when not a JSON list. */
    public static List<String> parseClasses(String json) {
        try {
            List<String> classes = Json.STRICT.readValue(json, new TypeReference<List<String>>() { });
            if (classes == null) {
                throw new IllegalArgumentException("class list is null");
            }
            return List.copyOf(classes);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("class list is not a JSON list of names", e);
        }
    }

    /**
     * The image geometry an input of shape {@code inputShape} states (dimensions below 1 are symbolic): a free
     * batch, then fixed channels, height and width, with height equal to width.
     *
     * @throws IllegalArgumentException naming what the shape lacks
     */
    public static ImageGeometry geometry(long[] inputShape) {
        if (inputShape.length != 4) {
            throw new IllegalArgumentException("that is not a batch of images [N, channels, height, width]");
        }
        if (inputShape[0] > 0) {
            throw new IllegalArgumentException("it fixes the batch at " + inputShape[0] + "; lightspeed needs a free "
                    + "batch dimension N");
        }
        if (inputShape[1] < 1 || inputShape[2] < 1 || inputShape[3] < 1) {
            throw new IllegalArgumentException("it leaves channels, height or width open; lightspeed needs them "
                    + "fixed");
        }
        if (inputShape[2] != inputShape[3]) {
            throw new IllegalArgumentException("its images are " + inputShape[2] + "×" + inputShape[3]
                    + "; lightspeed needs square ones");
        }
        return new ImageGeometry(Math.toIntExact(inputShape[1]), Math.toIntExact(inputShape[2]));
    }
}
