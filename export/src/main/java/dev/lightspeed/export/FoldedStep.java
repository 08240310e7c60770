package dev.lightspeed.export;

import dev.lightspeed.models.TensorData;
import dev.lightspeed.models.layers.Layer;

import java.util.List;

/**
 * One step of the inference graph, as {@link FoldedNetwork} leaves it: batchnorms and the input normalization are
 * folded into convs and the head where that is exact, and are explicit {@link Affine} steps where it is not. Each
 * step's {@code name} names its ONNX node and the value it produces (derived from the layer's tensor names).
 */
sealed interface FoldedStep {

    record Conv(String name, FoldedConv conv) implements FoldedStep {
    }

    /** A per-channel map that could not be folded: written as Mul then Add. */
    record Affine(String name, ChannelAffine affine) implements FoldedStep {
    }

    /** An elementwise function other than the identity, which writes no step. */
    record Activation(Layer.Activation layer) implements FoldedStep {
    }

    record Pool(Layer.Pool layer) implements FoldedStep {
    }

    /** {@code x + body(x)}. */
    record Residual(String name, List<FoldedStep> body) implements FoldedStep {

        public Residual {
            body = List.copyOf(body);
        }
    }

    record GlobalPool(Layer.GlobalPool layer) implements FoldedStep {
    }

    /**
     * The classifier, its output scale and any map before it already folded in.
     *
     * @param weight [classes, features]
     * @param bias   per class, or null for none
     */
    record Head(String name, TensorData weight, float[] bias) implements FoldedStep {
    }
}
