package dev.lightspeed.train;

import dev.lightspeed.models.ArchitectureSpec;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.T_TensorTensor_T;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import static dev.lightspeed.train.Tensors.scalar;

/**
 * Sets the frozen first-layer filters to a PCA whitening of k×k input patches: filter i is the i-th eigenvector
 * of the patch covariance scaled by 1/√(eigenvalue + ε), so output channel i is the patch's i-th principal
 * component with unit variance. Unlike ZCA, the components are not rotated back into pixel space: the layers
 * after it are learned and absorb any rotation, as in the reference recipe. Each filter is stacked with its
 * negation, so that the GELU that follows keeps both signs of every component.
 */
public final class Whitening {

    private Whitening() {
    }

    /**
     * @param images normalized training images [N, C, H, W] (any float dtype) on the network's device
     */
    // The guards act by their scope alone (libtorch's RAII), so the try body never names them.
    @SuppressWarnings("try")
    public static void fit(Network network, Tensor images, double eps) {
        ArchitectureSpec spec = network.spec();
        int k = spec.whiteningKernel();
        int c = spec.inputChannels();
        try (NoGradGuard noGrad = new NoGradGuard(); Temporaries temporaries = new Temporaries()) {
            Tensor patches = images.to(ScalarType.Float)
                    .unfold(2, k, 1).unfold(3, k, 1)       // N, C, H', W', k, k
                    .transpose(1, 3)                        // N, W', H', C, k, k
                    .reshape(-1, (long) c * k * k);
            Tensor covariance = patches.t().mm(patches).div(scalar(patches.size(0)));
            // Eigen-decomposition in float64: the smallest eigenvalues of pixel-patch covariances are tiny.
            T_TensorTensor_T eig = torch.linalg_eigh(covariance.to(ScalarType.Double), "U");
            Tensor values = eig.get0();
            Tensor vectors = eig.get1();
            Tensor scaled = vectors.t().reshape(-1, c, k, k)
                    .div(values.add(scalar(eps)).sqrt().reshape(-1, 1, 1, 1));
            Tensor filters = torch.cat(new TensorVector(scaled, scaled.neg()), 0).to(ScalarType.Float);
            network.tensor(ArchitectureSpec.WHITEN_WEIGHT).copy_(filters);
        }
    }
}
