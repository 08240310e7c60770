package dev.lightspeed.train;

import dev.lightspeed.models.Recipe;
import dev.lightspeed.models.TensorData;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An exponential moving average of every tensor of a network: weights, and the batchnorm running statistics too.
 * The statistics are averaged rather than recomputed because averaging is what the averaged weights would see if
 * the running statistics tracked them (both move slowly at the end of a run), and recomputing would cost a pass
 * over training data per evaluation. Updated every {@code emaEvery} steps with the decay raised to that power, so
 * the average spans the same number of steps at any interval. Kept in fp32 on the training device.
 */
final class WeightAverage {

    // Allocated up front, outside the per-step pointer scopes that free a step's temporaries.
    private final Map<String, Tensor> average = new LinkedHashMap<>();
    private final Scalar weightOfNew;
    private final int startStep;
    private final int every;
    private boolean started;

    // The guards act by their scope alone (libtorch's RAII), so the try body never names them.
    @SuppressWarnings("try")
    private WeightAverage(Recipe recipe, Network network) {
        this.weightOfNew = new Scalar(1 - Math.pow(recipe.emaDecay(), recipe.emaEvery()));
        this.startStep = recipe.emaStartStep();
        this.every = recipe.emaEvery();
        try (NoGradGuard noGrad = new NoGradGuard()) {
            for (String name : network.spec().tensorShapes().keySet()) {
                average.put(name, network.tensor(name).detach().clone());
            }
        }
    }

    /** An average of {@code network}'s tensors that starts, at the recipe's start step, from that step's values. */
    static WeightAverage of(Recipe recipe, Network network) {
        return new WeightAverage(recipe, network);
    }

    /** An average continued from saved values (a resumed run); empty values mean it had not started. */
    // The guards act by their scope alone (libtorch's RAII), so the try body never names them.
    @SuppressWarnings("try")
    static WeightAverage restored(Recipe recipe, Network network, Map<String, TensorData> saved) {
        WeightAverage restored = new WeightAverage(recipe, network);
        if (!saved.isEmpty()) {
            try (NoGradGuard noGrad = new NoGradGuard()) {
                saved.forEach((name, values) -> restored.average.get(name)
                        .copy_(Tensors.fromHost(values, network.device())));
            }
            restored.started = true;
        }
        return restored;
    }

    boolean started() {
        return started;
    }

    /** Folds in the network's tensors after step {@code step} (0-based) when the schedule says so. */
    // The guards act by their scope alone (libtorch's RAII), so the try body never names them.
    @SuppressWarnings("try")
    void update(Network network, int step) {
        if (step < startStep || (step - startStep) % every != 0) {
            return;
        }
        try (NoGradGuard noGrad = new NoGradGuard()) {
            for (Map.Entry<String, Tensor> entry : average.entrySet()) {
                // No detach: the guard keeps autograd out, and a detached handle per tensor per step costs.
                Tensor live = network.tensor(entry.getKey());
                Tensor held = entry.getValue();
                if (started) {
                    // held ← d·held + (1 − d)·live
                    held.lerp_(live, weightOfNew);
                } else {
                    held.copy_(live);
                }
            }
        }
        started = true;
    }

    /** Host copies of the average, named like the network's tensors; empty before the average starts. */
    Map<String, TensorData> snapshot() {
        Map<String, TensorData> values = new LinkedHashMap<>();
        if (started) {
            average.forEach((name, t) -> values.put(name, Tensors.toHost(t)));
        }
        return values;
    }
}
