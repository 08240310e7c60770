package dev.lightspeed.train;

import dev.lightspeed.models.ArchitectureSpec;
import dev.lightspeed.models.TensorData;
import dev.lightspeed.models.layers.TensorSpec;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WhiteningTest {

    @Test
    // The guards act by their scope alone (libtorch's RAII), so the try body never names them.
    @SuppressWarnings("try")
    void whitenedPatchesHaveIdentityCovarianceAndFiltersComeInSignPairs() {
        ComputeDevice cpu = ComputeDevice.resolve("cpu", "fp32");
        ArchitectureSpec spec = ArchitectureSpec.airbench94();
        Network network = Network.initialize(spec, cpu, 3);
        torch.manual_seed(11);
        // Channels of different scales, all correlated with the first: a patch covariance far from the identity.
        Tensor images = torch.randn(200, 3, 8, 8);
        Tensor scales = Tensors.fromHost(new TensorData(new long[] {1, 3, 1, 1}, new float[] {1f, 2f, 3f}), cpu);
        images = images.mul(scales).add(images.narrow(1, 0, 1));
        double eps = 1e-6;
        Whitening.fit(network, images, eps);

        try (NoGradGuard g = new NoGradGuard()) {
            Tensor weight = network.tensor(network.names(TensorSpec.Role.WHITENING_FILTER).get(0));
            int half = spec.whitening().orElseThrow().width(spec.inputChannels()) / 2;
            assertEquals(0, weight.narrow(0, 0, half).add(weight.narrow(0, half, half)).abs().max().item_double(), 1e-6,
                    "second half of the filters must be the negation of the first");

            Tensor out = torch.conv2d(images, weight.narrow(0, 0, half), new TensorOptional(), new long[] {1, 1},
                    new long[] {0, 0}, new long[] {1, 1}, 1);
            Tensor flat = out.permute(0, 2, 3, 1).reshape(-1, half);
            Tensor covariance = flat.t().mm(flat).div(Tensors.scalar(flat.size(0)));
            Tensor error = covariance.sub(torch.eye(half)).abs().max();
            assertTrue(error.item_double() < 1e-3, "whitened covariance differs from identity by " + error.item_double());
        }
    }

    @Test
    void diracInitializationPassesInputChannelsThrough() {
        long[] shape = {4, 2, 3, 3};
        float[] v = new float[72];
        java.util.Arrays.fill(v, 0.5f);
        Initialization.dirac(v, shape);
        TensorData t = new TensorData(shape, v);
        for (int o = 0; o < 2; o++) {
            for (int i = 0; i < 2; i++) {
                for (int k = 0; k < 9; k++) {
                    float expected = (o == i && k == 4) ? 1f : 0f;
                    assertEquals(expected, t.values()[o * 18 + i * 9 + k], "filter " + o + " channel " + i + " tap " + k);
                }
            }
        }
        // Filters past the input width keep their random init.
        assertEquals(0.5f, t.values()[2 * 18]);
    }
}
