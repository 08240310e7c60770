package dev.lightspeed.train;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.lightspeed.train.Tensors.scalar;

/**
 * Muon: Nesterov-momentum SGD whose update is the momentum direction orthogonalized by a few Newton–Schulz
 * steps, on conv filters seen as matrices [out, in·k·k]. Before each update the filter is renormalized to
 * Frobenius norm √out, which makes the learning rate a rotation size rather than a step length. Callers run it
 * under no-grad.
 */
final class Muon {

    /**
     * Coefficients (a, b, c) of the quintic Newton–Schulz iteration, as published with Muon: chosen to push every
     * singular value towards 1 in few steps, not exactly to 1.
     */
    static final double A = 3.4445;
    static final double B = -4.7750;
    static final double C = 2.0315;

    private final double momentum;
    private final int newtonSchulzSteps;
    private final ScalarType orthogonalizationType;
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();

    Muon(double momentum, int newtonSchulzSteps, ScalarType orthogonalizationType) {
        this.momentum = momentum;
        this.newtonSchulzSteps = newtonSchulzSteps;
        this.orthogonalizationType = orthogonalizationType;
    }

    void track(String name, Tensor parameter) {
        buffers.put(name, torch.zeros_like(parameter));
    }

    void step(Map<String, Tensor> parameters, List<String> names, double lr) {
        for (String name : names) {
            Tensor p = parameters.get(name);
            Tensor g = p.grad();
            Tensor buffer = buffers.get(name);
            buffer.mul_(scalar(momentum)).add_(g);
            Tensor direction = g.add(buffer, scalar(momentum));
            long out = p.size(0);
            // Stays on the device: no host round trip for the norm.
            p.mul_(p.norm().reciprocal().mul(scalar(Math.sqrt(out))));
            Tensor update = orthogonalize(direction.reshape(out, -1), newtonSchulzSteps, orthogonalizationType)
                    .reshape(p.shape());
            p.sub_(update.to(p.scalar_type()), scalar(lr));
        }
    }

    /**
     * Approximately the nearest semi-orthogonal matrix U·Vᵀ of G = U·S·Vᵀ, by the odd polynomial iteration
     * X ← aX + (bXXᵀ + c(XXᵀ)²)X on X = G/‖G‖ (which bounds the singular values by 1), done on the wide
     * orientation so that XXᵀ is the small Gram matrix.
     */
    static Tensor orthogonalize(Tensor g, int steps, ScalarType type) {
        Tensor x = g.to(type);
        x = x.div(x.norm().add(scalar(1e-7)));
        boolean tall = g.size(0) > g.size(1);
        if (tall) {
            x = x.t();
        }
        for (int i = 0; i < steps; i++) {
            Tensor gram = x.mm(x.t());
            Tensor poly = gram.mul(scalar(B)).add(gram.mm(gram), scalar(C));
            x = x.mul(scalar(A)).add(poly.mm(x));
        }
        return tall ? x.t() : x;
    }

    Map<String, Tensor> buffers() {
        return buffers;
    }
}
