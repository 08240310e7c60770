package dev.lightspeed.train;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.lightspeed.train.Tensors.scalar;

/**
 * SGD with Nesterov momentum and L2 weight decay added to the gradient, as PyTorch's
 * {@code SGD(nesterov=True, weight_decay=λ)} computes it: d = g + λw; b ← μb + d; w ← w − lr (d + μb). The decay
 * is coupled: it passes through the momentum like the gradient (not decoupled as in AdamW). The reference recipe
 * passes λ divided by the group's peak lr (see {@link Optimization}), so that the pull lr·λ·w at the peak does not
 * depend on the learning rate. Callers run it under no-grad.
 */
final class NesterovSgd {

    private final double momentum;
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();

    NesterovSgd(double momentum) {
        this.momentum = momentum;
    }

    /** Momentum buffers are made up front so that they outlive the per-step memory scope. */
    void track(String name, Tensor parameter) {
        buffers.put(name, torch.zeros_like(parameter));
    }

    void step(Map<String, Tensor> parameters, List<String> names, double lr, double weightDecay) {
        for (String name : names) {
            Tensor p = parameters.get(name);
            Tensor d = p.grad().add(p, scalar(weightDecay));
            Tensor buffer = buffers.get(name);
            buffer.mul_(scalar(momentum)).add_(d);
            p.sub_(d.add(buffer, scalar(momentum)), scalar(lr));
        }
    }

    Map<String, Tensor> buffers() {
        return buffers;
    }
}
