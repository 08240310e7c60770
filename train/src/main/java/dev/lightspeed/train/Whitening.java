package dev.lightspeed.train;

import dev.lightspeed.models.layers.Node;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.T_TensorTensor_T;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.util.List;

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
     * Fits the network's whitening stem; its kernel is the stem's, the images and eps are the caller's (the stem's
     * samples and eps, {@link dev.lightspeed.models.layers.Layer.Whitening}).
     *
     * @param images normalized training images [N, C, H, W] (any float dtype) on the network's device
     * @throws IllegalArgumentException when the network has no whitening stem
     */
    // The guards act by their scope alone (libtorch's RAII), so the try body never names them.
    @SuppressWarnings("try")
    public static void fit(Network network, Tensor images, double eps) {
        Node.Whiten stem = stem(network);
        int k = stem.layer().kernel();
        int c = stem.inChannels();
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
            network.tensor(stem.weight()).copy_(filters);
        }
    }

    /** The network's whitening stem: its first layer, when it has one. */
    private static Node.Whiten stem(Network network) {
        List<Node> nodes = network.nodes();
        if (nodes.isEmpty() || !(nodes.get(0) instanceof Node.Whiten)) {
            throw new IllegalArgumentException("the " + network.spec().name() + " network has no whitening stem to"
                    + " fit");
        }
        return (Node.Whiten) nodes.get(0);
    }
}
