package dev.lightspeed.train;

import dev.lightspeed.models.ArchitectureSpec;
import dev.lightspeed.models.TensorData;
import dev.lightspeed.models.layers.Layer;
import dev.lightspeed.models.layers.Node;
import dev.lightspeed.models.layers.TensorSpec;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.MemoryFormat;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static dev.lightspeed.train.Tensors.scalar;

/**
 * The network of an {@link ArchitectureSpec} as fp32 master tensors on a device, computed functionally in the
 * device's compute precision by walking the spec's resolved layers ({@link ArchitectureSpec#nodes()}). Tensor names
 * are the spec's, so a checkpoint is a plain name → values map; a tensor takes gradients when its
 * {@link TensorSpec.Role} is trained.
 */
public final class Network {

    private static final long[] ONE = {1, 1};
    private static final long[] NO_PADDING = {0, 0};
    private static final long[] HEIGHT_WIDTH = {2, 3};

    private final ArchitectureSpec spec;
    private final ComputeDevice device;
    private final List<TensorSpec> tensorSpecs;
    private final List<Node> nodes;
    private final Map<String, Tensor> tensors = new LinkedHashMap<>();
    /** Frozen batchnorm scales are fixed at 1: one shared constant per width, made up front. */
    private final Map<Long, Tensor> unitScales = new LinkedHashMap<>();

    private Network(ArchitectureSpec spec, ComputeDevice device, Map<String, TensorData> values) {
        this.spec = spec;
        this.device = device;
        this.tensorSpecs = spec.tensors();
        this.nodes = spec.nodes();
        for (TensorSpec t : tensorSpecs) {
            Tensor tensor = Tensors.fromHost(values.get(t.name()), device);
            if (t.role().trainable()) {
                tensor.set_requires_grad(true);
            }
            tensors.put(t.name(), tensor);
        }
        makeUnitScales(nodes);
    }

    private void makeUnitScales(List<Node> list) {
        for (Node node : list) {
            if (node instanceof Node.Norm norm && norm.scale() == null) {
                unitScales.computeIfAbsent((long) norm.channels(),
                        w -> torch.ones(new long[] {w}, device.options(ScalarType.Float)));
            } else if (node instanceof Node.Residual residual) {
                makeUnitScales(residual.body());
            }
        }
    }

    /** A freshly initialized network (the whitening filters, if any, still need {@link Whitening#fit}). */
    public static Network initialize(ArchitectureSpec spec, ComputeDevice device, long seed) {
        return new Network(spec, device, Initialization.initialValues(spec, new SplittableRandom(seed)));
    }

    public static Network fromValues(ArchitectureSpec spec, ComputeDevice device, Map<String, TensorData> values) {
        return new Network(spec, device, values);
    }

    public ArchitectureSpec spec() {
        return spec;
    }

    public ComputeDevice device() {
        return device;
    }

    public Tensor tensor(String name) {
        return tensors.get(name);
    }

    /** The names of the tensors of {@code role}, in forward order: what one optimizer group trains. */
    public List<String> names(TensorSpec.Role role) {
        return tensorSpecs.stream().filter(t -> t.role() == role).map(TensorSpec::name).toList();
    }

    /** The tensors of {@code role}, in forward order. */
    List<Tensor> tensors(TensorSpec.Role role) {
        return names(role).stream().map(tensors::get).toList();
    }

    /** Every tensor, in the spec's order: what a replica takes from rank 0 at the start. */
    List<Tensor> tensors() {
        return List.copyOf(tensors.values());
    }

    /** The resolved layers this network computes, in forward order. */
    List<Node> nodes() {
        return nodes;
    }

    /**
     * Logits (fp32) of a batch of normalized images, given in the compute precision and channels-last.
     *
     * @param training        batch statistics (and running-stat updates) instead of running statistics
     * @param trainWhitenBias whether gradients reach the whitening bias
     */
    public Tensor forward(Tensor images, boolean training, boolean trainWhitenBias) {
        return run(nodes, images, training, trainWhitenBias);
    }

    /**
     * Each intermediate's handle is released as soon as the next layer has consumed it. A handle would otherwise
     * keep its activation allocated until the caller's scope closes: every activation of a forward pass at once
     * (about 1.6 MB per 32×32 image in fp32, several GB for an evaluation batch and its TTA views), and through
     * the whole backward pass those autograd has already freed. Autograd holds its own references to what the
     * backward needs, so releasing ours changes nothing else.
     */
    private Tensor run(List<Node> list, Tensor input, boolean training, boolean trainWhitenBias) {
        Tensor x = input;
        for (Node node : list) {
            Tensor next = apply(node, x, training, trainWhitenBias);
            release(x, next, input);
            x = next;
        }
        return x;
    }

    /** Releases {@code used} unless it is the caller's input or {@code result} itself (an identity layer). */
    private static void release(Tensor used, Tensor result, Tensor input) {
        if (used != input && used != result) {
            used.close();
        }
    }

    private Tensor apply(Node node, Tensor x, boolean training, boolean trainWhitenBias) {
        if (node instanceof Node.Whiten w) {
            Tensor bias = tensors.get(w.bias());
            return torch.conv2d(x, lowPrecision(tensors.get(w.weight())),
                    new TensorOptional(lowPrecision(trainWhitenBias ? bias : bias.detach())), ONE, NO_PADDING, ONE,
                    1);
        } else if (node instanceof Node.Conv c) {
            long stride = c.layer().stride();
            long padding = c.layer().padding();
            TensorOptional bias = c.bias() == null ? new TensorOptional()
                    : new TensorOptional(lowPrecision(tensors.get(c.bias())));
            return torch.conv2d(x, lowPrecision(tensors.get(c.weight())), bias, new long[] {stride, stride},
                    new long[] {padding, padding}, ONE, 1);
        } else if (node instanceof Node.Norm n) {
            return batchNorm(x, n, training);
        } else if (node instanceof Node.Activation a) {
            return activation(x, a.layer());
        } else if (node instanceof Node.Pool p) {
            long[] window = {p.layer().size(), p.layer().size()};
            return p.layer().max() ? torch.max_pool2d(x, window, window, NO_PADDING, ONE, false)
                    : torch.avg_pool2d(x, window, window, NO_PADDING, false, true, new LongOptional());
        } else if (node instanceof Node.Residual r) {
            Tensor body = run(r.body(), x, training, trainWhitenBias);
            Tensor sum = x.add(body);
            release(body, sum, x);
            return sum;
        } else if (node instanceof Node.GlobalPool g) {
            if (g.layer().max()) {
                // max_pool2d rather than amax: its backward routes each gradient to one winner per window.
                long[] window = {x.size(2), x.size(3)};
                return torch.max_pool2d(x, window, window, NO_PADDING, ONE, false);
            }
            return x.mean(HEIGHT_WIDTH, true, new ScalarTypeOptional());
        } else if (node instanceof Node.Head h) {
            Tensor features = x.reshape(x.size(0), -1);
            Tensor logits = torch.matmul(features, lowPrecision(tensors.get(h.weight())).t());
            if (h.bias() != null) {
                logits = logits.add(lowPrecision(tensors.get(h.bias())));
            }
            return logits.to(ScalarType.Float).mul(scalar(h.layer().scale()));
        }
        throw new IllegalStateException("no forward for " + node);
    }

    private static Tensor activation(Tensor x, Layer.Activation layer) {
        return switch (layer.function()) {
            case "gelu" -> torch.gelu(x);
            case "relu" -> torch.relu(x);
            case "celu" -> torch.celu(x, scalar(layer.alpha()));
            case "silu" -> torch.silu(x);
            case "identity" -> x;
            default -> throw new IllegalStateException("no activation " + layer.function());
        };
    }

    private Tensor batchNorm(Tensor x, Node.Norm norm, boolean training) {
        Layer.BatchNorm layer = norm.layer();
        Tensor scale = norm.scale() == null ? unitScales.get((long) norm.channels()) : tensors.get(norm.scale());
        // The layer's momentum is PyTorch's: the weight of the new batch in the running statistics (airbench's
        // recipe states the weight of the old ones, 0.6, and its BatchNorm passes 1 − 0.6 = 0.4 to PyTorch).
        return torch.batch_norm(x, new TensorOptional(scale), new TensorOptional(tensors.get(norm.shift())),
                new TensorOptional(tensors.get(norm.runningMean())),
                new TensorOptional(tensors.get(norm.runningVar())),
                training, layer.momentum(), layer.eps(), true);
    }

    /** The master weight cast to the compute precision; the cast is differentiable, so fp32 grads flow back. */
    private Tensor lowPrecision(Tensor weight) {
        Tensor cast = weight.to(device.computeType());
        return cast.ndimension() == 4 ? cast.contiguous(MemoryFormat.ChannelsLast) : cast;
    }

    /** Host copies of every tensor, named by the spec. */
    public Map<String, TensorData> snapshot() {
        Map<String, TensorData> values = new LinkedHashMap<>();
        tensors.forEach((name, t) -> values.put(name, Tensors.toHost(t)));
        return values;
    }
}
