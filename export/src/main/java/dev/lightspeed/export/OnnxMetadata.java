package dev.lightspeed.export;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.lightspeed.models.Checkpoint;
import dev.lightspeed.models.ImageGeometry;
import dev.lightspeed.models.Json;
import dev.lightspeed.models.OnnxContract;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code metadata_props} of an exported model: enough to use it without the checkpoint (class names, the
 * normalization the graph already applies, whether the graph computes test-time augmentation) and to trace it
 * back (preset, architecture, recipe, seed, accuracy), under the keys of {@link OnnxContract}.
 */
public final class OnnxMetadata {

    private OnnxMetadata() {
    }

    static Map<String, String> describe(Checkpoint checkpoint, ExportOptions options, Calibration calibration) {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(OnnxContract.KEY_FORMAT, OnnxContract.FORMAT);
        meta.put(OnnxContract.KEY_CLASSES, OnnxContract.encodeClasses(checkpoint.classes()));
        meta.put(OnnxContract.KEY_NORMALIZATION, json(checkpoint.normalization()));
        meta.put(OnnxContract.KEY_PRESET, checkpoint.recipe().preset());
        meta.put(OnnxContract.KEY_ARCHITECTURE, json(checkpoint.architecture()));
        meta.put(OnnxContract.KEY_RECIPE, json(checkpoint.recipe()));
        meta.put(OnnxContract.KEY_SEED, Long.toString(checkpoint.seed()));
        meta.put(OnnxContract.KEY_EPOCH, Integer.toString(checkpoint.epoch()));
        meta.put(OnnxContract.KEY_ACCURACY, Double.toString(checkpoint.accuracy()));
        meta.put(OnnxContract.KEY_ACCURACY_TTA_LEVEL, Integer.toString(checkpoint.ttaLevel()));
        meta.put(OnnxContract.KEY_TTA_LEVEL, Integer.toString(options.ttaLevel()));
        meta.put(OnnxContract.KEY_INPUT, "float32 RGB pixels in [0, 1], shape "
                + ImageGeometry.of(checkpoint.architecture()).batchShape() + ", unnormalized");
        meta.put(OnnxContract.KEY_TOOL_VERSION, options.producerVersion());
        meta.put(OnnxContract.KEY_PRECISION, options.precision().label());
        if (calibration != null) {
            meta.put(OnnxContract.KEY_QUANTIZATION, "QDQ: int8 weights symmetric per output channel within ±"
                    + options.int8Weights().limit() + ", uint8 activations per tensor, int32 biases; activation "
                    + "ranges min-max over " + calibration.images() + " training images");
            meta.put(OnnxContract.KEY_INT8_WEIGHTS, options.int8Weights().label());
        }
        return meta;
    }

    private static String json(Object value) {
        try {
            return Json.STRICT.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
