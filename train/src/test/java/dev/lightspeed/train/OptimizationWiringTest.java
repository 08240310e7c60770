package dev.lightspeed.train;

import dev.lightspeed.models.LrKnot;
import dev.lightspeed.models.Presets;
import dev.lightspeed.models.Recipe;
import dev.lightspeed.models.layers.TensorSpec;
import dev.lightspeed.models.layers.TensorSpec.Role;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.MemoryFormat;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each parameter group gets, at step k, the learning rate and weight decay that the recipe defines: peak lr ×
 * lr-scale × the lr-schedule's multiplier at k / total steps (for the whitening bias: a linear decay to zero over
 * its layer's bias epochs), and for the SGD groups a decay of weightDecay × batchSize / (that group's scaled peak
 * lr) per sample, or weightDecay as given when coupled. The rate is read off the update of one step from zero
 * momentum, where Nesterov SGD moves w by lr (1 + μ)(g + λw) and Muon moves the renormalized filter by lr ×
 * orthogonalize((1 + μ) g).
 */
class OptimizationWiringTest {

    private static final ComputeDevice FP32 = ComputeDevice.resolve("cpu", "fp32");
    private static final int STEPS_PER_EPOCH = 10;
    /** Relative to the update: far below a one-step shift of the schedule or a missing decay term. */
    private static final double TOLERANCE = 1e-3;

    private final Recipe recipe = Presets.named("airbench94").with("lr-scale", "0.5");
    private final int totalSteps = recipe.epochs() * STEPS_PER_EPOCH;
    private final int whitenBiasSteps = recipe.architecture().whitening().orElseThrow().biasEpochs() * STEPS_PER_EPOCH;
    /** Myrtle's ResNet-9, narrowed: SGD on the filters, coupled decay, a warm-up to the peak then a decay. */
    private final Recipe resnet9 = Presets.named("resnet9").with("lr-scale", "0.5").with("width-scale", "0.125");

    /** One step k of a fresh optimizer on a network whose every trainable tensor has a known gradient. */
    private record Observed(Recipe recipe, Network network, Optimization optimization, Map<String, Tensor> before,
            Map<String, Tensor> grads) {
    }

    private static List<String> trainable(Network network) {
        return network.spec().tensors().stream().filter(t -> t.role().trainable()).map(TensorSpec::name).toList();
    }

    // The guards act by their scope alone (libtorch's RAII), so the try body never names them.
    @SuppressWarnings("try")
    private static Observed stepAt(Recipe recipe, int step) {
        torch.manual_seed(11);
        Network network = Network.initialize(recipe.architecture(), FP32, 5);
        Optimization optimization = new Optimization(network, recipe, STEPS_PER_EPOCH);
        List<String> filters = network.names(Role.FILTER);
        Map<String, Tensor> before = new LinkedHashMap<>();
        Map<String, Tensor> grads = new LinkedHashMap<>();
        Tensor loss = null;
        for (String name : trainable(network)) {
            Tensor p = network.tensor(name);
            if (!filters.contains(name)) {
                // Biases start at zero (and scales at one), where weight decay would leave little trace.
                try (NoGradGuard noGrad = new NoGradGuard()) {
                    p.copy_(torch.randn(p.shape()));
                }
            }
            before.put(name, p.detach().clone());
            Tensor grad = torch.randn(p.shape());
            grads.put(name, grad);
            Tensor term = p.mul(grad).sum();
            loss = loss == null ? term : loss.add(term);
        }
        loss.backward();
        optimization.step(step);
        return new Observed(recipe, network, optimization, before, grads);
    }

    /** The schedule as np.interp reads it: the knots' multiplier at k / total, times the peak. */
    private static double scheduled(Recipe recipe, double peak, int step, int total) {
        double t = Math.min(1, (double) step / total);
        List<LrKnot> knots = recipe.lrSchedule();
        for (int i = 0; i + 1 < knots.size(); i++) {
            LrKnot from = knots.get(i);
            LrKnot to = knots.get(i + 1);
            if (t <= to.at()) {
                double f = (t - from.at()) / (to.at() - from.at());
                return peak * (from.lr() * (1 - f) + to.lr() * f);
            }
        }
        return peak * knots.get(knots.size() - 1).lr();
    }

    private static double linearDecay(double peak, int step, int span) {
        return step >= span ? 0 : peak * (1 - (double) step / span);
    }

    private static double decay(Recipe recipe, double peak) {
        return Recipe.COUPLED.equals(recipe.weightDecayForm()) ? recipe.weightDecay()
                : recipe.weightDecay() * recipe.batchSize() / peak;
    }

    private static void assertSgdStep(Observed o, String name, double lr, double decay, int step) {
        Tensor w = o.before().get(name);
        Tensor expected = o.grads().get(name).add(w, Tensors.scalar(decay))
                .mul(Tensors.scalar(lr * (1 + o.recipe().sgdMomentum())));
        Tensor moved = w.sub(o.network().tensor(name).detach());
        assertClose(expected, moved, name + " at step " + step);
    }

    private void assertMuonStep(Observed o, String name, int step) {
        double lr = linearDecay(recipe.filterLr() * recipe.lrScale(), step, totalSteps);
        Tensor w = o.before().get(name);
        long out = w.size(0);
        Tensor renormalized = w.mul(Tensors.scalar(Math.sqrt(out) / w.norm().item_double()));
        Tensor direction = o.grads().get(name).mul(Tensors.scalar(1 + recipe.muonMomentum()));
        Tensor expected = Muon.orthogonalize(direction.reshape(out, -1), recipe.newtonSchulzSteps(), ScalarType.Float)
                .reshape(w.shape()).mul(Tensors.scalar(lr));
        Tensor moved = renormalized.sub(o.network().tensor(name).detach());
        assertClose(expected, moved, name + " at step " + step);
    }

    /** Within {@link #TOLERANCE} of the largest expected entry; an expected update of zero must be exactly zero. */
    private static void assertClose(Tensor expected, Tensor actual, String what) {
        double scale = expected.abs().max().item_double();
        double error = expected.sub(actual).abs().max().item_double();
        assertTrue(error <= TOLERANCE * scale, what + ": update off by " + error + " of " + scale);
    }

    @Test
    void everyGroupStepsWithTheRecipesRateAtTheFirstMiddleAndLastStep() {
        double biasPeak = recipe.biasLr() * recipe.lrScale();
        double headPeak = recipe.headLr() * recipe.lrScale();
        for (int step : new int[] {0, totalSteps / 2, totalSteps - 1}) {
            Observed o = stepAt(recipe, step);
            assertFalse(o.network().names(Role.FILTER).isEmpty());
            for (String filter : o.network().names(Role.FILTER)) {
                assertMuonStep(o, filter, step);
            }
            for (String bias : o.network().names(Role.NORM)) {
                assertSgdStep(o, bias, linearDecay(biasPeak, step, totalSteps), decay(recipe, biasPeak), step);
            }
            assertEquals(List.of("head.weight"), o.network().names(Role.HEAD));
            assertSgdStep(o, "head.weight", linearDecay(headPeak, step, totalSteps), decay(recipe, headPeak), step);
        }
    }

    @Test
    void whiteningBiasDecaysOverItsOwnEpochsThenStaysFrozen() {
        double biasPeak = recipe.biasLr() * recipe.lrScale();
        for (int step : new int[] {0, whitenBiasSteps / 2, whitenBiasSteps - 1}) {
            Observed o = stepAt(recipe, step);
            assertTrue(o.optimization().trainsWhitenBias(step));
            assertSgdStep(o, "whiten.bias", linearDecay(biasPeak, step, whitenBiasSteps), decay(recipe, biasPeak),
                    step);
        }
        for (int step : new int[] {whitenBiasSteps, totalSteps - 1}) {
            Observed o = stepAt(recipe, step);
            assertFalse(o.optimization().trainsWhitenBias(step));
            // Even with a gradient present, neither the rate nor the weight decay moves it.
            assertArrayEquals(Tensors.toHost(o.before().get("whiten.bias")).values(),
                    Tensors.toHost(o.network().tensor("whiten.bias")).values(), "step " + step);
        }
    }

    @Test
    void aFrozenWhiteningBiasGetsNoGradient() {
        Network network = Network.initialize(recipe.architecture(), FP32, 5);
        Optimization optimization = new Optimization(network, recipe, STEPS_PER_EPOCH);
        torch.manual_seed(3);
        int side = recipe.architecture().imageSize();
        Tensor images = torch.randn(4, recipe.architecture().inputChannels(), side, side)
                .contiguous(MemoryFormat.ChannelsLast);
        Tensor bias = network.tensor(network.names(Role.WHITENING_BIAS).get(0));

        network.forward(images, true, optimization.trainsWhitenBias(whitenBiasSteps - 1)).sum().backward();
        assertTrue(bias.grad().defined() && bias.grad().abs().max().item_double() > 0);
        optimization.step(whitenBiasSteps - 1);

        network.forward(images, true, optimization.trainsWhitenBias(whitenBiasSteps)).sum().backward();
        assertEquals(0.0, bias.grad().abs().max().item_double(), "a frozen bias must get no gradient");
    }

    @Test
    void sgdFiltersFollowTheWarmUpScheduleWithCoupledDecay() {
        int total = resnet9.epochs() * STEPS_PER_EPOCH;
        // The knots (0, 0), (5/24, 1), (1, 0): half the peak at 2.5 and at 14.5 epochs, the peak at 5.
        double peak = resnet9.filterLr() * resnet9.lrScale();
        assertEquals(0.2, peak, 1e-12);
        assertEquals(0.5 * peak, scheduled(resnet9, peak, 25, total), 1e-12);
        assertEquals(peak, scheduled(resnet9, peak, 50, total), 1e-12);
        assertEquals(0.5 * peak, scheduled(resnet9, peak, 145, total), 1e-12);
        assertEquals(5e-4, decay(resnet9, peak));
        for (int step : new int[] {0, 3, 25, 50, 145, total - 1}) {
            Observed o = stepAt(resnet9, step);
            assertTrue(o.network().spec().whitening().isEmpty());
            assertFalse(o.optimization().trainsWhitenBias(step));
            for (Role role : List.of(Role.FILTER, Role.NORM, Role.HEAD)) {
                double rolePeak = (role == Role.FILTER ? resnet9.filterLr() : role == Role.NORM ? resnet9.biasLr()
                        : resnet9.headLr()) * resnet9.lrScale();
                assertFalse(o.network().names(role).isEmpty(), role + " has tensors");
                for (String name : o.network().names(role)) {
                    assertSgdStep(o, name, scheduled(resnet9, rolePeak, step, total), decay(resnet9, rolePeak),
                            step);
                }
            }
        }
        // Step 0 of the warm-up has lr 0: the momentum moves, the weights do not.
        Observed first = stepAt(resnet9, 0);
        for (String name : trainable(first.network())) {
            assertArrayEquals(Tensors.toHost(first.before().get(name)).values(),
                    Tensors.toHost(first.network().tensor(name)).values(), name);
        }
    }

    @Test
    void weightDecayIsPerSampleOrCoupledAsTheRecipeSays() {
        // A decay large enough to show in the update in either form.
        Recipe coupled = recipe.with("weight-decay", "0.05").with("weight-decay-form", "coupled");
        Recipe perSample = resnet9.with("weight-decay-form", "per-sample");
        double biasPeak = recipe.biasLr() * recipe.lrScale();
        double headPeak = recipe.headLr() * recipe.lrScale();
        assertEquals(0.05, decay(coupled, biasPeak));
        int step = 7;
        Observed o = stepAt(coupled, step);
        for (String bias : o.network().names(Role.NORM)) {
            assertSgdStep(o, bias, linearDecay(biasPeak, step, totalSteps), 0.05, step);
        }
        assertSgdStep(o, "head.weight", linearDecay(headPeak, step, totalSteps), 0.05, step);
        assertSgdStep(o, "whiten.bias", linearDecay(biasPeak, step, whitenBiasSteps), 0.05, step);

        int total = perSample.epochs() * STEPS_PER_EPOCH;
        double filterPeak = perSample.filterLr() * perSample.lrScale();
        // 5e-4 × 512 / 0.2
        assertEquals(1.28, decay(perSample, filterPeak), 1e-12);
        Observed p = stepAt(perSample, 100);
        for (String filter : p.network().names(Role.FILTER)) {
            assertSgdStep(p, filter, scheduled(perSample, filterPeak, 100, total), 1.28, 100);
        }
    }

    @Test
    void anSgdFilterRunKeepsOneSgdBufferPerTrainedTensorAndNoMuon() {
        Network network = Network.initialize(resnet9.architecture(), FP32, 5);
        Optimization sgdOnly = new Optimization(network, resnet9, STEPS_PER_EPOCH);
        Set<String> expected = new LinkedHashSet<>();
        trainable(network).forEach(name -> expected.add("sgd." + name));
        assertEquals(expected, sgdOnly.state().keySet());
        assertEquals(8, network.names(Role.FILTER).size(), "resnet9 has 8 convs");

        Network airbench = Network.initialize(recipe.architecture(), FP32, 5);
        Set<String> withMuon = new LinkedHashSet<>();
        List<String> filters = airbench.names(Role.FILTER);
        List<String> others = new ArrayList<>(trainable(airbench));
        others.removeAll(filters);
        filters.forEach(name -> withMuon.add("muon." + name));
        others.forEach(name -> withMuon.add("sgd." + name));
        assertEquals(withMuon, new Optimization(airbench, recipe, STEPS_PER_EPOCH).state().keySet());
        Recipe sgdAirbench = recipe.with("filter-optimizer", "sgd");
        assertTrue(new Optimization(airbench, sgdAirbench, STEPS_PER_EPOCH).state().keySet().stream()
                .allMatch(name -> name.startsWith("sgd.")), "no Muon state when SGD trains the filters");
    }
}
