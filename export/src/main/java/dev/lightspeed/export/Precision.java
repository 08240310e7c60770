package dev.lightspeed.export;

import dev.lightspeed.models.InputError;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Number format of an exported graph's convolutions. */
public enum Precision {
    /**
     * float32 throughout: the logits of the checkpoint's network computed in float32 (up to rounding order),
     * readable by every ONNX consumer.
     */
    FP32,
    /**
     * Quantize-dequantize (QDQ) int8 convolutions, calibrated on training images: the format ONNX Runtime's CPU
     * provider turns into integer convolutions, at a small cost in accuracy.
     */
    INT8;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws InputError when {@code text} names no precision */
    public static Precision parse(String text) {
        for (Precision p : values()) {
            if (p.label().equalsIgnoreCase(text.trim())) {
                return p;
            }
        }
        throw new InputError("unknown precision '" + text + "'; choose one of "
                + Arrays.stream(values()).map(Precision::label).collect(Collectors.joining(", ")));
    }
}
