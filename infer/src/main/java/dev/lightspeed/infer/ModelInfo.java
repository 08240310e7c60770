package dev.lightspeed.infer;

import dev.lightspeed.models.ImageGeometry;

import java.nio.file.Path;
import java.util.List;

/**
 * What a scorer needs to know about an ONNX classifier, from its signature and its lightspeed metadata.
 *
 * @param path         the model file
 * @param inputName    the single float32 input, [N, channels, size, size], pixels in [0, 1]
 * @param outputName   the float32 logits output, [N, classes]
 * @param geometry     the images the input takes, from its shape
 * @param classes      class names in logit order ("class 0", "class 1", ... when the model names none)
 * @param namesClasses whether the class names came from the model's metadata
 * @param ttaLevel     test-time augmentation the graph already computes (0 when the model does not say)
 * @param producer     the producing tool and its version, or "" when unknown
 * @param precision    number format of the graph's convolutions (fp32, int8), or "unknown" when the model does
 *                     not say
 */
public record ModelInfo(Path path, String inputName, String outputName, ImageGeometry geometry,
        List<String> classes, boolean namesClasses, int ttaLevel, String producer, String precision) {

    public ModelInfo {
        classes = List.copyOf(classes);
    }

    public int numClasses() {
        return classes.size();
    }
}
