package dev.lightspeed.export;

import dev.lightspeed.export.Int8Quantization.ActivationScale;
import dev.lightspeed.export.Int8Quantization.ChannelWeights;
import dev.lightspeed.models.layers.Layer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.lightspeed.export.OnnxGraphBuilder.floating;
import static dev.lightspeed.export.OnnxGraphBuilder.integer;
import static dev.lightspeed.export.OnnxGraphBuilder.ints;

/**
 * Writes the steps of a {@link FoldedNetwork} as ONNX nodes: Conv (its stride and padding), explicit per-channel
 * maps (Mul, Add), activations (GELU, Relu, Celu, SiLU as x·Sigmoid(x)), MaxPool and AveragePool, the residual
 * Add, GlobalMaxPool or GlobalAveragePool then Flatten, and the Gemm head. Values are named after the layers: a
 * conv's output by its name ({@code groups.0.conv1}), what follows by the value it reads and the step
 * ({@code groups.0.conv1/pool/gelu}), a residual's sum by the residual's name.
 *
 * <p>In float32 every conv is a plain Conv. With a {@link Calibration} every conv is written in QDQ form:
 * its input is quantized to uint8 and dequantized, its weights and bias are stored as integers and dequantized,
 * and its output is quantized again; ONNX Runtime fuses each such group into one integer convolution. A residual
 * Add reads two quantized values and its sum is quantized again, which ONNX Runtime fuses into QLinearAdd. A pool
 * of quantized values requantizes with its input's own scale, so that it runs on the codes. Activations, explicit
 * maps and the head stay in float. Activations are named alike in both forms, so that the float graph can
 * measure the ranges the quantized one needs ({@link #activations()}).
 */
final class NetworkGraph {

    /** The first opset with a GELU operator; earlier ones get the erf formula. */
    static final int GELU_OPSET = 20;

    private final OnnxGraphBuilder graph;
    private final int opset;
    private final Calibration calibration;
    private final Int8Weights weightRange;
    private final String pixels;
    private final Set<String> activations = new LinkedHashSet<>();
    /** Float value → its quantized-dequantized form, in the int8 graph. */
    private final Map<String, String> quantized = new HashMap<>();
    /**
     * Values that are quantized in the int8 form (in the float form: that would be), each mapped to the
     * activation whose range sets its scale.
     */
    private final Map<String, String> onGrid = new HashMap<>();
    /** Each value's float name: itself, or for a dequantized value the value it quantizes. */
    private final Map<String, String> floatNames = new HashMap<>();
    private final Map<String, String> geluConstants = new HashMap<>();

    private NetworkGraph(OnnxGraphBuilder graph, int opset, Calibration calibration, Int8Weights weightRange,
            String pixels) {
        this.graph = graph;
        this.opset = opset;
        this.calibration = calibration;
        this.weightRange = weightRange;
        this.pixels = pixels;
    }

    /**
     * Appends the network reading {@code image} (pixels in [0, 1]) and returns the writer, whose
     * {@link #activations()} lists the values a quantized graph needs ranges for.
     *
     * @param calibration null for float32 convolutions, otherwise the ranges of every activation
     * @param weightRange the range of the int8 weight codes; unused without a calibration
     */
    static NetworkGraph append(OnnxGraphBuilder graph, int opset, Calibration calibration, Int8Weights weightRange,
            FoldedNetwork network, String image, String logits) {
        NetworkGraph writer = new NetworkGraph(graph, opset, calibration, weightRange, image);
        String features = writer.steps(network.steps(), image, logits);
        if (!features.equals(logits)) {
            throw new IllegalStateException("the network does not end with its head");
        }
        return writer;
    }

    /** Names of the float values that the int8 form quantizes (conv and residual inputs and outputs). */
    List<String> activations() {
        return List.copyOf(activations);
    }

    /** Writes {@code steps} reading {@code x}; returns the last value. The head's output is named {@code logits}. */
    private String steps(List<FoldedStep> steps, String input, String logits) {
        String x = input;
        for (FoldedStep step : steps) {
            if (step instanceof FoldedStep.Conv c) {
                x = conv(c.name(), x, c.conv());
            } else if (step instanceof FoldedStep.Affine a) {
                x = channelAffine(a.name(), x, a.affine());
            } else if (step instanceof FoldedStep.Activation a) {
                x = activation(x, a.layer());
            } else if (step instanceof FoldedStep.Pool p) {
                x = pool(x, p.layer());
            } else if (step instanceof FoldedStep.GlobalPool g) {
                x = globalPool(x, g.layer());
            } else if (step instanceof FoldedStep.Residual r) {
                String body = steps(r.body(), x, logits);
                x = residualAdd(r.name(), x, body);
            } else if (step instanceof FoldedStep.Head h) {
                x = head(h, x, logits);
            } else {
                throw new IllegalStateException("no ONNX form for " + step);
            }
        }
        return x;
    }

    /** Returns the conv's output: the float value {@code name}, or its dequantized codes in the int8 form. */
    private String conv(String name, String input, FoldedConv conv) {
        List<String> inputs = calibration == null ? floatConvInputs(name, input, conv)
                : quantizedConvInputs(name, input, conv);
        int k = conv.kernelSize();
        int p = conv.padding();
        String output = graph.node(name, "Conv", inputs,
                ints("kernel_shape", k, k),
                ints("pads", p, p, p, p),
                ints("strides", conv.stride(), conv.stride()));
        return quantizedOutput(output);
    }

    private List<String> floatConvInputs(String name, String input, FoldedConv conv) {
        onQuantizedPath(input);
        List<String> inputs = new ArrayList<>(List.of(input,
                graph.floatInitializer(name + ".weight", conv.weight().shape(), conv.weight().values())));
        if (conv.bias() != null) {
            inputs.add(graph.floatInitializer(name + ".bias", new long[] {conv.bias().length}, conv.bias()));
        }
        return inputs;
    }

    private List<String> quantizedConvInputs(String name, String input, FoldedConv conv) {
        String codes = onQuantizedPath(input);
        // Already on the grid: the scale of the activation it carries; just quantized: its own (the pixels' too).
        ActivationScale inputScale = scaleOf(onGrid.getOrDefault(codes, base(codes)));
        long[] perChannel = {conv.outputChannels()};
        ChannelWeights weights = Int8Quantization.perChannel(conv.weight(), weightRange);
        List<String> inputs = new ArrayList<>(List.of(
                codes,
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

    /**
     * A value that a quantized operator reads: as it is when it is already quantized, else (in the int8 form)
     * quantized and dequantized at its own range (the pixels at theirs), which then needs measuring.
     */
    private String onQuantizedPath(String value) {
        if (onGrid.containsKey(value) || (calibration == null && value.equals(pixels))) {
            return value;
        }
        if (value.equals(pixels)) {
            return quantizeDequantize(value, ActivationScale.pixels());
        }
        activations.add(value);
        return calibration == null ? value : quantizeDequantize(value, scaleOf(value));
    }

    /** The output of a quantized operator: quantized at its own range in the int8 form. */
    private String quantizedOutput(String output) {
        activations.add(output);
        if (calibration == null) {
            onGrid.put(output, output);
            return output;
        }
        String codes = quantizeDequantize(output, scaleOf(output));
        onGrid.put(codes, output);
        return codes;
    }

    private ActivationScale scaleOf(String activation) {
        if (activation.equals(pixels)) {
            return ActivationScale.pixels();
        }
        return ActivationScale.spanning(calibration.range(activation));
    }

    /** value → uint8 codes → value, once per value however many nodes read it. */
    private String quantizeDequantize(String value, ActivationScale scale) {
        return quantized.computeIfAbsent(value, v -> {
            String scaleName = graph.floatScalar(v + "/scale", scale.scale());
            String zeroPoint = graph.uint8Initializer(v + "/zero_point", new long[0], scale.zeroPoint());
            String codes = graph.node(v + "/quantized", "QuantizeLinear", List.of(v, scaleName, zeroPoint));
            String restored = graph.node(v + "/dequantized", "DequantizeLinear", List.of(codes, scaleName,
                    zeroPoint));
            floatNames.put(restored, v);
            return restored;
        });
    }

    private String dequantizePerChannel(String name, String codes, String scale, String zeroPoint) {
        return graph.node(name, "DequantizeLinear", List.of(codes, scale, zeroPoint), integer("axis", 0));
    }

    /** The float name a step's output is named after: dequantized values are named by the value they quantize. */
    private String base(String value) {
        return floatNames.getOrDefault(value, value);
    }

    /**
     * A pool of quantized values is requantized with the same scale (in the int8 form), which lets it run on the
     * codes: a maximum of codes is a code, and an average stays within the input's range.
     */
    private String requantized(String pooled, String input) {
        String source = onGrid.get(input);
        if (source == null) {
            return pooled;
        }
        if (calibration == null) {
            onGrid.put(pooled, source);
            return pooled;
        }
        String codes = quantizeDequantize(pooled, scaleOf(source));
        onGrid.put(codes, source);
        return codes;
    }

    private String pool(String input, Layer.Pool pool) {
        int size = pool.size();
        String pooled = graph.node(base(input) + "/pool", pool.max() ? "MaxPool" : "AveragePool", List.of(input),
                ints("kernel_shape", size, size),
                ints("strides", size, size));
        return requantized(pooled, input);
    }

    private String globalPool(String input, Layer.GlobalPool pool) {
        String pooled = graph.node(base(input) + "/global_pool", pool.max() ? "GlobalMaxPool" : "GlobalAveragePool",
                List.of(input));
        return requantized(pooled, input);
    }

    private String residualAdd(String name, String skip, String body) {
        List<String> inputs = List.of(onQuantizedPath(skip), onQuantizedPath(body));
        return quantizedOutput(graph.node(name, "Add", inputs));
    }

    private String head(FoldedStep.Head head, String input, String logits) {
        String flat = graph.node(base(input) + "/flatten", "Flatten", List.of(input), integer("axis", 1));
        List<String> inputs = new ArrayList<>(List.of(flat,
                graph.floatInitializer(head.name() + ".weight", head.weight().shape(), head.weight().values())));
        if (head.bias() != null) {
            inputs.add(graph.floatInitializer(head.name() + ".bias", new long[] {head.bias().length}, head.bias()));
        }
        return graph.node(logits, "Gemm", inputs, integer("transB", 1));
    }

    private String channelAffine(String name, String input, ChannelAffine affine) {
        long[] perChannel = {affine.channels(), 1, 1};
        String scale = graph.floatInitializer(name + ".scale", perChannel, FoldedConv.toFloat(affine.scale()));
        String shift = graph.floatInitializer(name + ".shift", perChannel, FoldedConv.toFloat(affine.shift()));
        String scaled = graph.node(name + "/scaled", "Mul", List.of(input, scale));
        return graph.node(name, "Add", List.of(scaled, shift));
    }

    private String activation(String x, Layer.Activation activation) {
        String name = base(x) + "/" + activation.function();
        switch (activation.function()) {
            case "gelu":
                return gelu(name, x);
            case "relu":
                return graph.node(name, "Relu", List.of(x));
            case "celu":
                return graph.node(name, "Celu", List.of(x), floating("alpha", activation.alpha().floatValue()));
            case "silu":
                return graph.node(name, "Mul", List.of(x, graph.node(name + "/sigmoid", "Sigmoid", List.of(x))));
            default:
                throw new IllegalStateException("no ONNX form for activation " + activation.function());
        }
    }

    /**
     * Exact GELU of {@code x}, named {@code output}. From opset 20 the Gelu operator, which stays one kernel
     * between quantized convs; before it 0.5·x·(1 + erf(x / √2)) in the node pattern PyTorch exports, which
     * ONNX Runtime fuses into one Gelu kernel in float graphs.
     */
    private String gelu(String output, String x) {
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
