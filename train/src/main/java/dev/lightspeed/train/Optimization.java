package dev.lightspeed.train;

import dev.lightspeed.models.InputError;
import dev.lightspeed.models.Recipe;
import dev.lightspeed.models.TensorData;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.lightspeed.models.ArchitectureSpec.HEAD_WEIGHT;
import static dev.lightspeed.models.ArchitectureSpec.WHITEN_BIAS;

/**
 * The recipe's optimizers over a network: Muon on the conv filters; Nesterov SGD on the whitening bias, the
 * batchnorm shifts and the head. Every learning rate decays linearly per step to zero at the end of the run,
 * except the whitening bias's, which reaches zero after its first {@code whitenBiasEpochs}; from then on the bias
 * is frozen (no gradient, no update, no weight decay).
 */
final class Optimization {

    private static final String SGD = "sgd.";
    private static final String MUON = "muon.";

    private final Map<String, Tensor> parameters = new LinkedHashMap<>();
    private final List<String> filters;
    private final List<String> normBiases;
    private final NesterovSgd sgd;
    private final Muon muon;
    private final int totalSteps;
    private final int whitenBiasSteps;
    private final double filterLr;
    private final double biasLr;
    private final double headLr;
    private final double biasDecay;
    private final double headDecay;

    Optimization(Network network, Recipe recipe, int stepsPerEpoch) {
        totalSteps = recipe.epochs() * stepsPerEpoch;
        whitenBiasSteps = recipe.whitenBiasEpochs() * stepsPerEpoch;
        filterLr = recipe.filterLr() * recipe.lrScale();
        biasLr = recipe.biasLr() * recipe.lrScale();
        headLr = recipe.headLr() * recipe.lrScale();
        // Decay scaled by 1/lr keeps lr × decay, the shrink per step, independent of the learning rate.
        biasDecay = biasLr == 0 ? 0 : recipe.weightDecay() * recipe.batchSize() / biasLr;
        headDecay = headLr == 0 ? 0 : recipe.weightDecay() * recipe.batchSize() / headLr;
        filters = network.filterNames();
        normBiases = network.normBiasNames();
        sgd = new NesterovSgd(recipe.sgdMomentum());
        muon = new Muon(recipe.muonMomentum(), recipe.newtonSchulzSteps(), network.device().computeType());
        for (String name : filters) {
            parameters.put(name, network.tensor(name));
            muon.track(name, network.tensor(name));
        }
        List<String> sgdNames = new ArrayList<>(List.of(WHITEN_BIAS, HEAD_WEIGHT));
        sgdNames.addAll(normBiases);
        for (String name : sgdNames) {
            parameters.put(name, network.tensor(name));
            sgd.track(name, network.tensor(name));
        }
    }

    /** Whether gradients should reach the whitening bias at this (global, 0-based) step. */
    boolean trainsWhitenBias(int step) {
        return step < whitenBiasSteps;
    }

    /** Applies the step's updates from the accumulated gradients, then zeroes the gradients. */
    // The guards act by their scope alone (libtorch's RAII), so the try body never names them.
    @SuppressWarnings("try")
    void step(int step) {
        try (NoGradGuard noGrad = new NoGradGuard()) {
            if (trainsWhitenBias(step)) {
                sgd.step(parameters, List.of(WHITEN_BIAS), LrSchedule.linearDecay(biasLr, step, whitenBiasSteps),
                        biasDecay);
            }
            sgd.step(parameters, normBiases, LrSchedule.linearDecay(biasLr, step, totalSteps), biasDecay);
            sgd.step(parameters, List.of(HEAD_WEIGHT), LrSchedule.linearDecay(headLr, step, totalSteps), headDecay);
            muon.step(parameters, filters, LrSchedule.linearDecay(filterLr, step, totalSteps));
            for (Tensor p : parameters.values()) {
                Tensor grad = p.grad();
                if (grad.defined()) {
                    grad.zero_();
                }
            }
        }
    }

    /** Momentum buffers by name, for the resume state. */
    Map<String, TensorData> state() {
        Map<String, TensorData> state = new LinkedHashMap<>();
        sgd.buffers().forEach((name, t) -> state.put(SGD + name, Tensors.toHost(t)));
        muon.buffers().forEach((name, t) -> state.put(MUON + name, Tensors.toHost(t)));
        return state;
    }

    void restore(Map<String, TensorData> saved, ComputeDevice device) {
        restore(sgd.buffers(), saved, SGD, device);
        restore(muon.buffers(), saved, MUON, device);
    }

    // The guards act by their scope alone (libtorch's RAII), so the try body never names them.
    @SuppressWarnings("try")
    private static void restore(Map<String, Tensor> buffers, Map<String, TensorData> saved, String prefix,
            ComputeDevice device) {
        try (NoGradGuard noGrad = new NoGradGuard()) {
            buffers.forEach((name, buffer) -> {
                TensorData values = saved.get(prefix + name);
                if (values == null || !values.hasShape(buffer.shape())) {
                    throw new InputError("resume state lacks optimizer buffer " + prefix + name
                            + "; start a new run instead of resuming this one");
                }
                buffer.copy_(Tensors.fromHost(values, device));
            });
        }
    }
}
