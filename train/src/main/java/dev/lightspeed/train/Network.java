package dev.lightspeed.train;

import dev.lightspeed.models.ArchitectureSpec;
import dev.lightspeed.models.TensorData;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.MemoryFormat;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static dev.lightspeed.models.ArchitectureSpec.HEAD_WEIGHT;
import static dev.lightspeed.models.ArchitectureSpec.WHITEN_BIAS;
import static dev.lightspeed.models.ArchitectureSpec.WHITEN_WEIGHT;
import static dev.lightspeed.train.Tensors.scalar;

/**
 * The network of an {@link ArchitectureSpec} as fp32 master tensors on a device, computed functionally in the
 * device's compute precision. Tensor names are the spec's, so a checkpoint is a plain name → values map.
 */
public final class Network {

    private static final long[] ONE = {1, 1};
    private static final long[] NO_PADDING = {0, 0};

    private final ArchitectureSpec spec;
    private final ComputeDevice device;
    private final Map<String, Tensor> tensors = new LinkedHashMap<>();
    /** Batchnorm scales are frozen at 1; one shared constant per width. */
    private final Map<Long, Tensor> unitScales = new LinkedHashMap<>();

    private Network(ArchitectureSpec spec, ComputeDevice device, Map<String, TensorData> values) {
        this.spec = spec;
        this.device = device;
        for (Map.Entry<String, long[]> e : spec.tensorShapes().entrySet()) {
            Tensor t = Tensors.fromHost(values.get(e.getKey()), device);
            if (isTrainable(e.getKey())) {
                t.set_requires_grad(true);
            }
            tensors.put(e.getKey(), t);
        }
        for (int width : spec.blockWidths()) {
            unitScales.computeIfAbsent((long) width,
                    w -> torch.ones(new long[] {w}, device.options(ScalarType.Float)));
        }
    }

    /** A freshly initialized network (the whitening filters still need {@link Whitening#fit}). */
    public static Network initialize(ArchitectureSpec spec, ComputeDevice device, long seed) {
        return new Network(spec, device, Initialization.initialValues(spec, new SplittableRandom(seed)));
    }

    public static Network fromValues(ArchitectureSpec spec, ComputeDevice device, Map<String, TensorData> values) {
        return new Network(spec, device, values);
    }

    private static boolean isTrainable(String name) {
        return !name.equals(WHITEN_WEIGHT) && !name.endsWith("running_mean") && !name.endsWith("running_var");
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

    /** The conv filters, which Muon trains. */
    public List<String> filterNames() {
        List<String> names = new ArrayList<>();
        for (int g = 0; g < spec.groups(); g++) {
            names.add(ArchitectureSpec.conv(g, 1));
            names.add(ArchitectureSpec.conv(g, 2));
        }
        return names;
    }

    public List<String> normBiasNames() {
        List<String> names = new ArrayList<>();
        for (int g = 0; g < spec.groups(); g++) {
            names.add(ArchitectureSpec.normBias(g, 1));
            names.add(ArchitectureSpec.normBias(g, 2));
        }
        return names;
    }

    /**
     * Logits (fp32) of a batch of normalized images, given in the compute precision and channels-last.
     *
     * @param training       batch statistics (and running-stat updates) instead of running statistics
     * @param trainWhitenBias whether gradients reach the whitening bias
     */
    public Tensor forward(Tensor images, boolean training, boolean trainWhitenBias) {
        ScalarType type = device.computeType();
        Tensor bias = tensors.get(WHITEN_BIAS);
        Tensor x = torch.conv2d(images, lowPrecision(tensors.get(WHITEN_WEIGHT)),
                new TensorOptional(lowPrecision(trainWhitenBias ? bias : bias.detach())), ONE, NO_PADDING, ONE, 1);
        x = torch.gelu(x);
        for (int g = 0; g < spec.groups(); g++) {
            x = conv3x3(x, ArchitectureSpec.conv(g, 1));
            x = torch.max_pool2d(x, new long[] {2, 2}, new long[] {2, 2}, new long[] {0, 0}, ONE, false);
            x = torch.gelu(batchNorm(x, g, 1, training));
            x = conv3x3(x, ArchitectureSpec.conv(g, 2));
            x = torch.gelu(batchNorm(x, g, 2, training));
        }
        long pool = spec.finalPool();
        x = torch.max_pool2d(x, new long[] {pool, pool}, new long[] {pool, pool}, new long[] {0, 0}, ONE, false);
        x = x.reshape(x.size(0), -1);
        Tensor logits = torch.matmul(x, lowPrecision(tensors.get(HEAD_WEIGHT)).t());
        return logits.to(ScalarType.Float).div(scalar(spec.logitDivisor()));
    }

    private Tensor conv3x3(Tensor x, String weight) {
        return torch.conv2d(x, lowPrecision(tensors.get(weight)), new TensorOptional(), ONE, ONE, ONE, 1);
    }

    private Tensor batchNorm(Tensor x, int group, int index, boolean training) {
        Tensor bias = tensors.get(ArchitectureSpec.normBias(group, index));
        // The spec's momentum is PyTorch's: the weight of the new batch in the running statistics. The reference
        // recipe states the weight of the old statistics, m = 0.6, and its BatchNorm passes 1 − m = 0.4 to PyTorch.
        return torch.batch_norm(x, new TensorOptional(unitScales.get(bias.size(0))), new TensorOptional(bias),
                new TensorOptional(tensors.get(ArchitectureSpec.normMean(group, index))),
                new TensorOptional(tensors.get(ArchitectureSpec.normVar(group, index))),
                training, spec.batchNormMomentum(), spec.batchNormEps(), true);
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
