package dev.lightspeed.train;

import dev.lightspeed.train.parallel.Replicas;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

import java.util.ArrayList;
import java.util.List;

import static dev.lightspeed.train.Tensors.scalar;

/**
 * Makes every replica's gradients those of the whole batch: each replica's loss covers its share, so for a summed
 * loss the whole batch's gradient is the replicas' sum, and for a mean loss (shares of equal size) their mean.
 */
final class GradientAllreduce {

    private final Replicas replicas;
    private final List<Tensor> parameters;
    private final boolean meanLoss;

    GradientAllreduce(Replicas replicas, List<Tensor> parameters, boolean meanLoss) {
        this.replicas = replicas;
        this.parameters = parameters;
        this.meanLoss = meanLoss;
    }

    // The guards act by their scope alone (libtorch's RAII), so the try body never names them.
    @SuppressWarnings("try")
    void run() {
        if (replicas.size() == 1) {
            return;
        }
        // A frozen tensor (the whitening bias after its epochs) has no gradient, on every replica alike.
        List<Tensor> gradients = new ArrayList<>();
        for (Tensor p : parameters) {
            Tensor grad = p.grad();
            if (grad.defined()) {
                gradients.add(grad);
            }
        }
        replicas.sum(gradients);
        if (meanLoss) {
            try (NoGradGuard noGrad = new NoGradGuard()) {
                for (Tensor grad : gradients) {
                    grad.div_(scalar(replicas.size()));
                }
            }
        }
    }
}
