package dev.lightspeed.export;

import java.util.ArrayList;
import java.util.List;

import static dev.lightspeed.export.OnnxGraphBuilder.integer;
import static dev.lightspeed.export.OnnxGraphBuilder.ints;

/**
 * Writes the forward pass of a {@link FoldedNetwork} as ONNX opset-17 nodes: whitening conv, GELU, the conv
 * groups (conv → max pool → GELU → conv → GELU), the final max pool and the linear head.
 */
final class NetworkGraph {

    private final OnnxGraphBuilder graph;
    private final String sqrtTwo;
    private final String one;
    private final String half;

    private NetworkGraph(OnnxGraphBuilder graph) {
        this.graph = graph;
        this.sqrtTwo = graph.floatScalar("gelu/sqrt2", (float) Math.sqrt(2));
        this.one = graph.floatScalar("gelu/one", 1f);
        this.half = graph.floatScalar("gelu/half", 0.5f);
    }

    /** Appends the network reading {@code image} (pixels in [0, 1]) and returns the name of its [N, classes] logits. */
    static String appendLogits(OnnxGraphBuilder graph, FoldedNetwork network, String image, String logits) {
        return new NetworkGraph(graph).logits(network, image, logits);
    }

    private String logits(FoldedNetwork network, String image, String logitsName) {
        String x = gelu(conv("whiten", image, network.whitening(), 0));
        for (int g = 0; g < network.groups().size(); g++) {
            FoldedGroup group = network.groups().get(g);
            String prefix = "group" + g;
            x = conv(prefix + "/conv1", x, group.pooled(), 1);
            x = maxPool(prefix + "/pool", x, 2);
            if (group.pooled().afterPool() != null) {
                x = channelAffine(prefix + "/norm1", x, group.pooled().afterPool());
            }
            x = gelu(x);
            x = gelu(conv(prefix + "/conv2", x, group.second(), 1));
        }
        x = maxPool("final_pool", x, network.spec().finalPool());
        x = graph.node("flatten", "Flatten", List.of(x), integer("axis", 1));
        String head = graph.floatInitializer("head.weight", network.head().shape(), network.head().values());
        return graph.node(logitsName, "Gemm", List.of(x, head), integer("transB", 1));
    }

    private String conv(String name, String input, FoldedConv conv, int padding) {
        List<String> inputs = new ArrayList<>(List.of(input,
                graph.floatInitializer(name + ".weight", conv.weight().shape(), conv.weight().values())));
        if (conv.bias() != null) {
            inputs.add(graph.floatInitializer(name + ".bias", new long[] {conv.bias().length}, conv.bias()));
        }
        int k = conv.kernelSize();
        return graph.node(name, "Conv", inputs,
                ints("kernel_shape", k, k),
                ints("pads", padding, padding, padding, padding),
                ints("strides", 1, 1));
    }

    private String maxPool(String name, String input, int size) {
        return graph.node(name, "MaxPool", List.of(input),
                ints("kernel_shape", size, size),
                ints("strides", size, size));
    }

    private String channelAffine(String name, String input, ChannelAffine affine) {
        long[] perChannel = {affine.channels(), 1, 1};
        String scale = graph.floatInitializer(name + ".scale", perChannel, FoldedConv.toFloat(affine.scale()));
        String shift = graph.floatInitializer(name + ".shift", perChannel, FoldedConv.toFloat(affine.shift()));
        String scaled = graph.node(name + "/scaled", "Mul", List.of(input, scale));
        return graph.node(name, "Add", List.of(scaled, shift));
    }

    /**
     * Exact GELU, 0.5·x·(1 + erf(x / √2)), in the node pattern PyTorch exports, which ONNX Runtime fuses into
     * one Gelu kernel.
     */
    private String gelu(String x) {
        String name = x + "/gelu";
        String scaled = graph.node(name + "/div", "Div", List.of(x, sqrtTwo));
        String erf = graph.node(name + "/erf", "Erf", List.of(scaled));
        String plusOne = graph.node(name + "/add", "Add", List.of(erf, one));
        String product = graph.node(name + "/mul", "Mul", List.of(x, plusOne));
        return graph.node(name, "Mul", List.of(product, half));
    }
}
