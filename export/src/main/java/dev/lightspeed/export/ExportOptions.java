package dev.lightspeed.export;

import dev.lightspeed.models.InputError;

/**
 * How to export a checkpoint.
 *
 * @param opset           ONNX operator set version of the default domain, {@value #MIN_OPSET} to {@value #MAX_OPSET};
 *                        int8 needs {@value NetworkGraph#GELU_OPSET} or later
 * @param tta             whether the graph averages test-time-augmented views (level 2) rather than scoring the
 *                        image alone
 * @param precision       number format of the convolutions
 * @param int8Weights     range of the weight codes of an int8 export (null: {@link Int8Weights#REDUCED}, which
 *                        every CPU computes correctly); a float32 export ignores it
 * @param producerVersion the lightspeed version recorded in the model
 */
public record ExportOptions(int opset, boolean tta, Precision precision, Int8Weights int8Weights,
        String producerVersion) {

    public static final int DEFAULT_OPSET = 17;
    /** Every operator the exporter writes has kept its semantics from opset 17 through 21. */
    public static final int MIN_OPSET = 17;
    public static final int MAX_OPSET = 21;

    public ExportOptions {
        if (opset < MIN_OPSET || opset > MAX_OPSET) {
            throw InputError.in("opset", "opset " + opset + " is not supported; choose " + MIN_OPSET + " to "
                    + MAX_OPSET + " (default " + DEFAULT_OPSET + ")");
        }
        if (precision == null) {
            precision = Precision.FP32;
        }
        if (precision == Precision.INT8 && opset < NetworkGraph.GELU_OPSET) {
            // Before opset 20 GELU is the erf formula, which reads its input twice; ONNX Runtime gives each reader
            // its own dequantize, the formula no longer fuses into one kernel, and the int8 graph loses about a
            // quarter of its speed.
            throw InputError.in("opset", "opset " + opset + " is too old for an int8 export, which needs opset "
                    + NetworkGraph.GELU_OPSET + " or later (its GELU is the opset-" + NetworkGraph.GELU_OPSET
                    + " Gelu operator); choose " + NetworkGraph.GELU_OPSET + " or later, or keep the default");
        }
        if (int8Weights == null) {
            int8Weights = Int8Weights.REDUCED;
        }
        if (producerVersion == null || producerVersion.isBlank()) {
            producerVersion = "dev";
        }
    }

    /** With the {@link Int8Weights#REDUCED} weight range. */
    public ExportOptions(int opset, boolean tta, Precision precision, String producerVersion) {
        this(opset, tta, precision, Int8Weights.REDUCED, producerVersion);
    }

    /** Opset 17, float32, no test-time augmentation. */
    public static ExportOptions defaults() {
        return new ExportOptions(DEFAULT_OPSET, false, Precision.FP32, Int8Weights.REDUCED, "dev");
    }

    /** The opset written when none is asked for: the widely supported 17, or for int8 the first with Gelu. */
    public static int defaultOpset(Precision precision) {
        return precision == Precision.INT8 ? NetworkGraph.GELU_OPSET : DEFAULT_OPSET;
    }

    public ExportOptions withTta(boolean value) {
        return new ExportOptions(opset, value, precision, int8Weights, producerVersion);
    }

    public ExportOptions withOpset(int value) {
        return new ExportOptions(value, tta, precision, int8Weights, producerVersion);
    }

    /** Switches precision and moves to that precision's default opset. */
    public ExportOptions withPrecision(Precision value) {
        return new ExportOptions(defaultOpset(value), tta, value, int8Weights, producerVersion);
    }

    /** The weight range an int8 export uses; a float32 export ignores it. */
    public ExportOptions withInt8Weights(Int8Weights value) {
        return new ExportOptions(opset, tta, precision, value, producerVersion);
    }

    public ExportOptions withProducerVersion(String value) {
        return new ExportOptions(opset, tta, precision, int8Weights, value);
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
