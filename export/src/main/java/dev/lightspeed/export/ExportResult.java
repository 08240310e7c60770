package dev.lightspeed.export;

import java.nio.file.Path;

/**
 * What {@link OnnxExporter#export} wrote.
 *
 * @param path      the model file
 * @param bytes     its size
 * @param nodes     operators in the graph
 * @param opset     ONNX opset of the graph
 * @param ttaLevel  test-time augmentation computed by the graph: 0 none, 2 mirror and 1-pixel shifts
 * @param precision number format of the convolutions
 * @param calibrationImages images the int8 activation ranges were measured on; 0 for float32
 */
public record ExportResult(Path path, long bytes, int nodes, int opset, int ttaLevel, Precision precision,
        int calibrationImages) {
}
