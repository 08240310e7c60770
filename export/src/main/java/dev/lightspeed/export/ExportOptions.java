package dev.lightspeed.export;

import dev.lightspeed.models.InputError;

/**
 * How to export a checkpoint.
 *
 * @param opset           ONNX operator set version of the default domain, {@value #MIN_OPSET} to {@value #MAX_OPSET}
 * @param tta             whether the graph averages test-time-augmented views (level 2) rather than scoring the
 *                        image alone
 * @param producerVersion the lightspeed version recorded in the model
 */
public record ExportOptions(int opset, boolean tta, String producerVersion) {

    public static final int DEFAULT_OPSET = 17;
    /** Every operator the exporter writes has kept its semantics from opset 17 through 21. */
    public static final int MIN_OPSET = 17;
    public static final int MAX_OPSET = 21;

    public ExportOptions {
        if (opset < MIN_OPSET || opset > MAX_OPSET) {
            throw new InputError("opset " + opset + " is not supported; choose " + MIN_OPSET + " to " + MAX_OPSET
                    + " (default " + DEFAULT_OPSET + ")");
        }
        if (producerVersion == null || producerVersion.isBlank()) {
            producerVersion = "dev";
        }
    }

    /** Opset 17, no test-time augmentation. */
    public static ExportOptions defaults() {
        return new ExportOptions(DEFAULT_OPSET, false, "dev");
    }

    public ExportOptions withTta(boolean value) {
        return new ExportOptions(opset, value, producerVersion);
    }

    public ExportOptions withOpset(int value) {
        return new ExportOptions(value, tta, producerVersion);
    }

    public ExportOptions withProducerVersion(String value) {
        return new ExportOptions(opset, tta, value);
    }

    public int ttaLevel() {
        return tta ? TtaGraph.LEVEL : 0;
    }

    /**
     * The IR version that introduced this opset: readers reject a model whose IR is newer than they know, so we
     * write the oldest one that can carry the opset (IR 8 is what ONNX 1.12's checker accepts).
     */
    long irVersion() {
        return switch (opset) {
            case 17, 18 -> 8;
            case 19, 20 -> 9;
            default -> 10;
        };
    }
}
