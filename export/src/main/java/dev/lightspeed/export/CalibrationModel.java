package dev.lightspeed.export;

import dev.lightspeed.models.ImageGeometry;

import java.util.List;

/**
 * The float32 graph of a checkpoint with every activation that the int8 graph quantizes exposed as an extra
 * output (named as in {@link Calibration}), so that running it on a few images measures their ranges.
 *
 * @param onnx        serialized ModelProto
 * @param activations names of the extra outputs, in graph order
 * @param geometry    the images its input takes
 */
public record CalibrationModel(byte[] onnx, List<String> activations, ImageGeometry geometry) {

    public CalibrationModel {
        activations = List.copyOf(activations);
    }
}
