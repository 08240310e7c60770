package dev.lightspeed.train;

import dev.lightspeed.models.InputError;
import dev.lightspeed.models.LrKnot;
import dev.lightspeed.models.Recipe;
import dev.lightspeed.models.TensorData;
import dev.lightspeed.models.layers.Layer;
import dev.lightspeed.models.layers.TensorSpec.Role;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The recipe's optimizers over a network, one group per {@link Role}: the conv filters by the recipe's filter
 * optimizer (Muon, or Nesterov SGD with the SGD momentum and weight decay) at the filter rate; the batchnorm scales
 * and shifts and conv biases by Nesterov SGD at the bias rate; the head by Nesterov SGD at the head rate; the
 * whitening bias by Nesterov SGD at the bias rate. Every rate is its peak × lr-scale × the recipe's lr-schedule
 * multiplier at the fraction of the run's steps done, except the whitening bias's, which decays linearly to zero
 * over its layer's bias epochs; from then on the bias is frozen (no gradient, no update, no weight decay). Weight
 * decay is per sample (λ × batch size / the group's peak rate, airbench's form) or coupled (λ as given, PyTorch's);
 * Muon takes none.
 */
final class Optimization {

    private static final String SGD = "sgd.";
    private static final String MUON = "muon.";

    private final Map<String, Tensor> parameters = new LinkedHashMap<>();
    private final List<String> filters;
    private final List<String> norms;
    private final List<String> heads;
    private final List<String> whitenBias;
    private final boolean muonFilters;
    private final NesterovSgd sgd;
    private final Muon muon;
    private final List<LrKnot> schedule;
    private final int totalSteps;
    private final int whitenBiasSteps;
    private final double filterLr;
    private final double biasLr;
    private final double headLr;
    private final double filterDecay;
    private final double biasDecay;
    private final double headDecay;

    Optimization(Network network, Recipe recipe, int stepsPerEpoch) {
        schedule = recipe.lrSchedule();
        totalSteps = recipe.epochs() * stepsPerEpoch;
        whitenBiasSteps = network.spec().whitening().map(Layer.Whitening::biasEpochs).orElse(0) * stepsPerEpoch;
        filterLr = recipe.filterLr() * recipe.lrScale();
        biasLr = recipe.biasLr() * recipe.lrScale();
        headLr = recipe.headLr() * recipe.lrScale();
        filterDecay = decay(recipe, filterLr);
        biasDecay = decay(recipe, biasLr);
        headDecay = decay(recipe, headLr);
        muonFilters = Recipe.MUON.equals(recipe.filterOptimizer());
        filters = network.names(Role.FILTER);
        norms = network.names(Role.NORM);
        heads = network.names(Role.HEAD);
        whitenBias = network.names(Role.WHITENING_BIAS);
        sgd = new NesterovSgd(recipe.sgdMomentum());
        muon = new Muon(recipe.muonMomentum(), recipe.newtonSchulzSteps(), network.device().computeType());
        if (muonFilters) {
            for (String name : filters) {
                parameters.put(name, network.tensor(name));
                muon.track(name, network.tensor(name));
            }
        }
        for (List<String> group : muonFilters ? List.of(whitenBias, heads, norms)
                : List.of(whitenBias, heads, norms, filters)) {
            for (String name : group) {
                parameters.put(name, network.tensor(name));
                sgd.track(name, network.tensor(name));
            }
        }
    }

    /**
     * The weight decay of an SGD group whose scaled peak rate is {@code peakLr}: per sample, scaled by 1/lr so that
     * lr × decay, the shrink per step, does not depend on the learning rate; or coupled, as given.
     */
    private static double decay(Recipe recipe, double peakLr) {
        if (Recipe.COUPLED.equals(recipe.weightDecayForm())) {
            return recipe.weightDecay();
        }
        return peakLr == 0 ? 0 : recipe.weightDecay() * recipe.batchSize() / peakLr;
    }

    /** The tensors it trains, in a fixed order: the same on every replica. */
    List<Tensor> parameters() {
        return List.copyOf(parameters.values());
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
                sgd.step(parameters, whitenBias, LrSchedule.linearDecay(biasLr, step, whitenBiasSteps), biasDecay);
            }
            sgd.step(parameters, norms, scheduled(biasLr, step), biasDecay);
            sgd.step(parameters, heads, scheduled(headLr, step), headDecay);
            if (muonFilters) {
                muon.step(parameters, filters, scheduled(filterLr, step));
            } else {
                sgd.step(parameters, filters, scheduled(filterLr, step), filterDecay);
            }
            for (Tensor p : parameters.values()) {
                Tensor grad = p.grad();
                if (grad.defined()) {
                    grad.zero_();
                }
            }
        }
    }

    private double scheduled(double peak, int step) {
        return LrSchedule.at(schedule, peak, step, totalSteps);
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
