package dev.lightspeed.export;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lightspeed.models.Checkpoint;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code metadata_props} of an exported model: enough to use it without the checkpoint (class names, the
 * normalization the graph already applies, whether the graph computes test-time augmentation) and to trace it
 * back (preset, architecture, recipe, seed, accuracy). Scorers read the keys named here.
 */
public final class OnnxMetadata {

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
    /** Number format of the convolutions: fp32 or int8. */
    public static final String KEY_PRECISION = "precision";
    /** For int8: the quantization scheme and its calibration, in words. */
    public static final String KEY_QUANTIZATION = "quantization";

    private static final ObjectMapper JSON = new ObjectMapper();

    private OnnxMetadata() {
    }

    static Map<String, String> describe(Checkpoint checkpoint, ExportOptions options, Calibration calibration) {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(KEY_FORMAT, FORMAT);
        meta.put(KEY_CLASSES, json(checkpoint.classes()));
        meta.put(KEY_NORMALIZATION, json(checkpoint.normalization()));
        meta.put(KEY_PRESET, checkpoint.recipe().preset());
        meta.put(KEY_ARCHITECTURE, json(checkpoint.architecture()));
        meta.put(KEY_RECIPE, json(checkpoint.recipe()));
        meta.put(KEY_SEED, Long.toString(checkpoint.seed()));
        meta.put(KEY_EPOCH, Integer.toString(checkpoint.epoch()));
        meta.put(KEY_ACCURACY, Double.toString(checkpoint.accuracy()));
        meta.put(KEY_ACCURACY_TTA_LEVEL, Integer.toString(checkpoint.ttaLevel()));
        meta.put(KEY_TTA_LEVEL, Integer.toString(options.ttaLevel()));
        meta.put(KEY_INPUT, "float32 RGB pixels in [0, 1], shape [N, " + checkpoint.architecture().inputChannels()
                + ", " + checkpoint.architecture().imageSize() + ", " + checkpoint.architecture().imageSize()
                + "], unnormalized");
        meta.put(KEY_TOOL_VERSION, options.producerVersion());
        meta.put(KEY_PRECISION, options.precision().label());
        if (calibration != null) {
            meta.put(KEY_QUANTIZATION, "QDQ: int8 weights symmetric per output channel, uint8 activations per "
                    + "tensor, int32 biases; activation ranges min-max over " + calibration.images()
                    + " training images");
        }
        return meta;
    }

    /** The class names stored under {@link #KEY_CLASSES}; throws IllegalArgumentException when not a JSON list. */
    public static List<String> parseClasses(String json) {
        try {
            List<String> classes = JSON.readValue(json, new TypeReference<List<String>>() { });
            if (classes == null) {
                throw new IllegalArgumentException("class list is null");
            }
            return List.copyOf(classes);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("class list is not a JSON list of names", e);
        }
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
