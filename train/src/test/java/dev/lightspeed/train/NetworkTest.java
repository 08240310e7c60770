package dev.lightspeed.train;

import dev.lightspeed.models.ArchitectureSpec;
import dev.lightspeed.models.Presets;
import dev.lightspeed.models.Recipe;
import dev.lightspeed.models.TensorData;
import dev.lightspeed.models.layers.Layer;
import dev.lightspeed.models.layers.TensorSpec.Role;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.MemoryFormat;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.lightspeed.train.Tensors.scalar;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The layer kinds that neither airbench94 nor resnet9 uses (their golden steps cover theirs): a strided conv with a
 * bias, a learned batchnorm scale, CELU, SiLU, identity, an average pool, a residual around a 1×1 conv, a global
 * average pool and a head with a bias and a scale, each initialized as its tensor spec says and computed as the
 * plain formulas here compute it.
 */
class NetworkTest {

    private static final ComputeDevice FP32 = ComputeDevice.resolve("cpu", "fp32");

    private static final ArchitectureSpec KINDS = new ArchitectureSpec("kinds", 3, 8, 5, List.of(
            new Layer.Conv("conv", 6, 3, 2, 1, true, null),
            new Layer.BatchNorm("norm", 1e-5, 0.1, Layer.BatchNorm.LEARNED),
            new Layer.Activation("celu", 0.5),
            new Layer.Pool("average", 2),
            new Layer.Residual("res", List.of(new Layer.Conv("conv", 6, 1, 1, 0, true, null),
                    Layer.Activation.of("silu"))),
            Layer.Activation.of("identity"),
            new Layer.GlobalPool("average"),
            new Layer.Linear("head", true, 0.5, null)));

    private static void assertUniform(TensorData t, double bound, String name) {
        double largest = 0;
        for (float v : t.values()) {
            largest = Math.max(largest, Math.abs(v));
        }
        assertTrue(largest <= bound, name + " exceeds ±" + bound + ": " + largest);
        assertTrue(largest > bound / 2, name + " is not spread over ±" + bound + ": " + largest);
    }

    private static void assertAll(TensorData t, float value, String name) {
        for (float v : t.values()) {
            assertEquals(value, v, name);
        }
    }

    @Test
    void everyTensorStartsAsItsSpecSays() {
        Map<String, TensorData> values = Network.initialize(KINDS, FP32, 3).snapshot();
        assertEquals(KINDS.tensorShapes().keySet(), values.keySet());
        assertUniform(values.get("conv.weight"), 1 / Math.sqrt(27), "conv.weight");
        assertUniform(values.get("conv.bias"), 1 / Math.sqrt(27), "conv.bias");
        assertAll(values.get("norm.weight"), 1f, "a learned batchnorm scale starts at 1");
        assertAll(values.get("norm.bias"), 0f, "norm.bias");
        assertAll(values.get("norm.running_mean"), 0f, "norm.running_mean");
        assertAll(values.get("norm.running_var"), 1f, "norm.running_var");
        assertUniform(values.get("res.conv.weight"), 1 / Math.sqrt(6), "res.conv.weight");
        assertUniform(values.get("res.conv.bias"), 1 / Math.sqrt(6), "res.conv.bias");
        assertUniform(values.get("head.weight"), 1 / Math.sqrt(6), "head.weight");
        assertUniform(values.get("head.bias"), 1 / Math.sqrt(6), "head.bias");
        assertEquals(values, Network.initialize(KINDS, FP32, 3).snapshot(), "a seed is one network");
    }

    @Test
    void theTrainedRolesAreTheSpecsAndTakeGradients() {
        Network network = Network.initialize(KINDS, FP32, 3);
        assertEquals(List.of("conv.weight", "res.conv.weight"), network.names(Role.FILTER));
        assertEquals(List.of("conv.bias", "norm.weight", "norm.bias", "res.conv.bias"), network.names(Role.NORM));
        assertEquals(List.of("head.weight", "head.bias"), network.names(Role.HEAD));
        torch.manual_seed(5);
        Tensor images = torch.randn(4, 3, 8, 8).contiguous(MemoryFormat.ChannelsLast);
        network.forward(images, true, false).pow(scalar(2)).sum().backward();
        for (String name : KINDS.tensorShapes().keySet()) {
            Tensor t = network.tensor(name);
            boolean statistic = name.contains("running_");
            assertEquals(!statistic, t.requires_grad(), name);
            if (!statistic) {
                assertTrue(t.grad().defined() && t.grad().abs().max().item_double() > 0, name + " gets a gradient");
            }
        }
    }

    // The guards act by their scope alone (libtorch's RAII), so the try body never names them.
    @SuppressWarnings("try")
    @Test
    void theForwardIsTheLayersFormulas() {
        Network network = Network.initialize(KINDS, FP32, 3);
        torch.manual_seed(7);
        Tensor images = torch.randn(4, 3, 8, 8);
        try (NoGradGuard noGrad = new NoGradGuard()) {
            // Running statistics other than 0 and 1, so that evaluation must use them.
            network.tensor("norm.running_mean").copy_(torch.randn(6).mul(scalar(0.1)));
            network.tensor("norm.running_var").copy_(torch.rand(6).add(scalar(0.5)));
            network.tensor("norm.weight").copy_(torch.rand(6).add(scalar(0.5)));
            network.tensor("norm.bias").copy_(torch.randn(6));
            Tensor input = images.contiguous(MemoryFormat.ChannelsLast);
            Tensor logits = network.forward(input, false, false);
            // The forward releases its intermediates as it goes, never the caller's input.
            assertTrue(torch.equal(logits, network.forward(input, false, false)), "a second pass on the same input");

            Tensor x = torch.conv2d(images, network.tensor("conv.weight"),
                    new TensorOptional(network.tensor("conv.bias")), new long[] {2, 2}, new long[] {1, 1},
                    new long[] {1, 1}, 1);
            assertEquals(List.of(4L, 6L, 4L, 4L), List.of(x.size(0), x.size(1), x.size(2), x.size(3)));
            Tensor mean = network.tensor("norm.running_mean").view(1, 6, 1, 1);
            Tensor std = network.tensor("norm.running_var").add(scalar(1e-5)).sqrt().view(1, 6, 1, 1);
            x = x.sub(mean).div(std).mul(network.tensor("norm.weight").view(1, 6, 1, 1))
                    .add(network.tensor("norm.bias").view(1, 6, 1, 1));
            // CELU with α = 0.5: max(0, x) + min(0, α (exp(x / α) − 1)).
            x = x.clamp_min(scalar(0)).add(x.div(scalar(0.5)).exp().sub(scalar(1)).mul(scalar(0.5))
                    .clamp_max(scalar(0)));
            // 2×2 average pool.
            x = x.reshape(4, 6, 2, 2, 2, 2).mean(3, 5);
            Tensor inner = torch.conv2d(x, network.tensor("res.conv.weight"),
                    new TensorOptional(network.tensor("res.conv.bias")), new long[] {1, 1}, new long[] {0, 0},
                    new long[] {1, 1}, 1);
            x = x.add(inner.mul(torch.sigmoid(inner)));
            Tensor features = x.mean(2, 3);
            Tensor expected = features.matmul(network.tensor("head.weight").t()).add(network.tensor("head.bias"))
                    .mul(scalar(0.5));

            double scale = expected.abs().max().item_double();
            assertTrue(scale > 0);
            double error = logits.sub(expected).abs().max().item_double();
            assertTrue(error <= 1e-5 * scale, "logits off by " + error + " of " + scale);
        }
    }

    @Test
    void theLossIsSummedOrAveragedAsTheRecipeSays() {
        Recipe sum = Presets.named("airbench94");
        Recipe mean = sum.with("loss-reduction", "mean");
        torch.manual_seed(2);
        Tensor logits = torch.randn(8, 10);
        Tensor labels = Tensors.fromHost(new long[] {0, 1, 2, 3, 4, 5, 6, 9}, FP32);
        double summed = Trainer.trainingLoss(logits, labels, sum).item_double();
        double averaged = Trainer.trainingLoss(logits, labels, mean).item_double();
        assertEquals(summed / 8, averaged, 1e-6 * Math.abs(averaged));
        assertTrue(summed > 8, "label-smoothed cross entropy of random logits, summed over 8 images: " + summed);
    }
}
