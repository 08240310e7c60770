package dev.lightspeed.models.layers;

import java.util.List;

/**
 * A layer of a network resolved against its input: tensor names in full, channel counts known, blocks flattened
 * away (they only name). This is the form every engine walks (the libtorch forward, the ONNX graph, the folding of
 * batchnorms), so that the layout exists once, in {@link NetworkLayout}.
 */
public sealed interface Node {

    /** The fitted input stem; {@code weight} is [width, channels, k, k], fitted from data, never trained. */
    record Whiten(Layer.Whitening layer, String weight, String bias, int inChannels, int width) implements Node {
    }

    /** A convolution; {@code bias} is null when it has none. */
    record Conv(Layer.Conv layer, String weight, String bias, int inChannels, int outChannels) implements Node {
    }

    /** A batchnorm; {@code scale} is null when the scale is frozen at 1. */
    record Norm(Layer.BatchNorm layer, String scale, String shift, String runningMean, String runningVar,
            int channels) implements Node {
    }

    record Activation(Layer.Activation layer) implements Node {
    }

    record Pool(Layer.Pool layer) implements Node {
    }

    /** {@code x + body(x)}; {@code name} in full, with its blocks' names ({@code layer1.residual}). */
    record Residual(String name, List<Node> body) implements Node {
    }

    record GlobalPool(Layer.GlobalPool layer) implements Node {
    }

    /** The classifier on the pooled features; {@code bias} is null when it has none. */
    record Head(Layer.Linear layer, String weight, String bias, int inFeatures, int classes) implements Node {
    }
}
