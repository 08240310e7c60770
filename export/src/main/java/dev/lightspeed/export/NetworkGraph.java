package dev.lightspeed.export;

import dev.lightspeed.export.Int8Quantization.ActivationScale;
import dev.lightspeed.export.Int8Quantization.ChannelWeights;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.lightspeed.export.OnnxGraphBuilder.integer;
import static dev.lightspeed.export.OnnxGraphBuilder.ints;

/**
 * Writes the forward pass of a {@link FoldedNetwork} as ONNX nodes: whitening conv, GELU, the conv groups
 * (conv → max pool → GELU → conv → GELU), the final max pool and the linear head.
 *
 * <p>In float32 every conv is a plain Conv. With a {@link Calibration} every conv is written in QDQ form:
 * its input is quantized to uint8 and dequantized, its weights and bias are stored as integers and dequantized,
 * and its output is quantized again; ONNX Runtime fuses each such group into one integer convolution. The max
 * pool after a conv requantizes with the conv's own scale, so that it runs on the codes; GELU and the head stay in
 * float. Activations are named alike in both forms, so that the float graph can measure the ranges the
 * quantized one needs ({@link #activations()}).
 */
final class NetworkGraph {

    /** The first opset with a GELU operator; earlier ones get the erf formula. */
    static final int GELU_OPSET = 20;

    private final OnnxGraphBuilder graph;
    private final int opset;
    private final Calibration calibration;
    private final String pixels;
    private final List<String> activations = new ArrayList<>();
    private final Map<String, String> quantized = new HashMap<>();
    private final Map<String, String> geluConstants = new HashMap<>();

    private NetworkGraph(OnnxGraphBuilder graph, int opset, Calibration calibration, String pixels) {
        this.graph = graph;
        this.opset = opset;
        this.calibration = calibration;
        this.pixels = pixels;
    }

    /**
     * Appends the network reading {@code image} (pixels in [0, 1]) and returns the writer, whose
     * {@link #activations()} lists the values a quantized graph needs ranges for.
     *
     * @param calibration null for float32 convolutions, otherwise the ranges of every activation
     */
    static NetworkGraph append(OnnxGraphBuilder graph, int opset, Calibration calibration, FoldedNetwork network,
            String image, String logits) {
        NetworkGraph writer = new NetworkGraph(graph, opset, calibration, image);
        writer.logits(network, logits);
        return writer;
    }

    /** Names of the float values that the int8 form quantizes (conv inputs other than the pixels, conv outputs). */
    List<String> activations() {
        return List.copyOf(activations);
    }

    private void logits(FoldedNetwork network, String logitsName) {
        String x = gelu("whiten", conv("whiten", pixels, network.whitening(), 0));
        for (int g = 0; g < network.groups().size(); g++) {
            FoldedGroup group = network.groups().get(g);
            String prefix = "group" + g;
            String conv1 = prefix + "/conv1";
            x = maxPool(prefix + "/pool", conv(conv1, x, group.pooled(), 1), 2, conv1);
            String beforeGelu = prefix + "/pool";
            if (group.pooled().afterPool() != null) {
                beforeGelu = prefix + "/norm1";
                x = channelAffine(beforeGelu, x, group.pooled().afterPool());
            }
            x = gelu(beforeGelu, x);
            String conv2 = prefix + "/conv2";
            x = gelu(conv2, conv(conv2, x, group.second(), 1));
        }
        x = maxPool("final_pool", x, network.spec().finalPool(), null);
        x = graph.node("flatten", "Flatten", List.of(x), integer("axis", 1));
        String head = graph.floatInitializer("head.weight", network.head().shape(), network.head().values());
        graph.node(logitsName, "Gemm", List.of(x, head), integer("transB", 1));
    }

    /** Returns the conv's output: the float value {@code name}, or its dequantized codes in the int8 form. */
    private String conv(String name, String input, FoldedConv conv, int padding) {
        if (!input.equals(pixels)) {
            activations.add(input);
        }
        activations.add(name);
        List<String> inputs = calibration == null ? floatConvInputs(name, input, conv)
                : quantizedConvInputs(name, input, conv);
        int k = conv.kernelSize();
        String output = graph.node(name, "Conv", inputs,
                ints("kernel_shape", k, k),
                ints("pads", padding, padding, padding, padding),
                ints("strides", 1, 1));
        return calibration == null ? output : quantizeDequantize(output, scaleOf(name));
    }

    private List<String> floatConvInputs(String name, String input, FoldedConv conv) {
        List<String> inputs = new ArrayList<>(List.of(input,
                graph.floatInitializer(name + ".weight", conv.weight().shape(), conv.weight().values())));
        if (conv.bias() != null) {
            inputs.add(graph.floatInitializer(name + ".bias", new long[] {conv.bias().length}, conv.bias()));
        }
        return inputs;
    }

    private List<String> quantizedConvInputs(String name, String input, FoldedConv conv) {
        ActivationScale inputScale = input.equals(pixels) ? ActivationScale.pixels() : scaleOf(input);
        long[] perChannel = {conv.outputChannels()};
        ChannelWeights weights = Int8Quantization.perChannel(conv.weight());
        List<String> inputs = new ArrayList<>(List.of(
                quantizeDequantize(input, inputScale),
                dequantizePerChannel(name + ".weight",
                        graph.int8Initializer(name + ".weight_quantized", conv.weight().shape(), weights.codes()),
                        graph.floatInitializer(name + ".weight_scale", perChannel, weights.scales()),
                        graph.int8Initializer(name + ".weight_zero_point", perChannel,
                                new byte[conv.outputChannels()]))));
        if (conv.bias() != null) {
            float[] biasScales = Int8Quantization.biasScales(inputScale.scale(), weights.scales());
            inputs.add(dequantizePerChannel(name + ".bias",
                    graph.int32Initializer(name + ".bias_quantized", perChannel,
                            Int8Quantization.biasCodes(conv.bias(), biasScales)),
                    graph.floatInitializer(name + ".bias_scale", perChannel, biasScales),
                    graph.int32Initializer(name + ".bias_zero_point", perChannel, new int[conv.outputChannels()])));
        }
        return inputs;
    }

    private ActivationScale scaleOf(String activation) {
        return ActivationScale.spanning(calibration.range(activation));
    }

    /** value → uint8 codes → value, once per value however many nodes read it. */
    private String quantizeDequantize(String value, ActivationScale scale) {
        return quantized.computeIfAbsent(value, v -> {
            String scaleName = graph.floatScalar(v + "/scale", scale.scale());
            String zeroPoint = graph.uint8Initializer(v + "/zero_point", new long[0], scale.zeroPoint());
            String codes = graph.node(v + "/quantized", "QuantizeLinear", List.of(v, scaleName, zeroPoint));
            return graph.node(v + "/dequantized", "DequantizeLinear", List.of(codes, scaleName, zeroPoint));
        });
    }

    private String dequantizePerChannel(String name, String codes, String scale, String zeroPoint) {
        return graph.node(name, "DequantizeLinear", List.of(codes, scale, zeroPoint), integer("axis", 0));
    }

    /**
     * @param requantizeAs in the int8 form, the conv whose codes feed this pool: its output is quantized with the
     *                     same scale, which lets the pool run on the codes. Null when the input is not quantized.
     */
    private String maxPool(String name, String input, int size, String requantizeAs) {
        String pooled = graph.node(name, "MaxPool", List.of(input),
                ints("kernel_shape", size, size),
                ints("strides", size, size));
        return calibration == null || requantizeAs == null ? pooled
                : quantizeDequantize(pooled, scaleOf(requantizeAs));
    }

    private String channelAffine(String name, String input, ChannelAffine affine) {
        long[] perChannel = {affine.channels(), 1, 1};
        String scale = graph.floatInitializer(name + ".scale", perChannel, FoldedConv.toFloat(affine.scale()));
        String shift = graph.floatInitializer(name + ".shift", perChannel, FoldedConv.toFloat(affine.shift()));
        String scaled = graph.node(name + "/scaled", "Mul", List.of(input, scale));
        return graph.node(name, "Add", List.of(scaled, shift));
    }

    /**
     * Exact GELU of {@code x}, named {@code name/gelu}. From opset 20 the Gelu operator, which stays one kernel
     * between quantized convs; before it 0.5·x·(1 + erf(x / √2)) in the node pattern PyTorch exports, which
     * ONNX Runtime fuses into one Gelu kernel in float graphs.
     */
    private String gelu(String name, String x) {
        String output = name + "/gelu";
        if (opset >= GELU_OPSET) {
            return graph.node(output, "Gelu", List.of(x));
        }
        String scaled = graph.node(output + "/div", "Div", List.of(x, geluConstant("gelu/sqrt2", Math.sqrt(2))));
        String erf = graph.node(output + "/erf", "Erf", List.of(scaled));
        String plusOne = graph.node(output + "/add", "Add", List.of(erf, geluConstant("gelu/one", 1)));
        String product = graph.node(output + "/mul", "Mul", List.of(x, plusOne));
        return graph.node(output, "Mul", List.of(product, geluConstant("gelu/half", 0.5)));
    }

    private String geluConstant(String name, double value) {
        return geluConstants.computeIfAbsent(name, n -> graph.floatScalar(n, (float) value));
    }
}
