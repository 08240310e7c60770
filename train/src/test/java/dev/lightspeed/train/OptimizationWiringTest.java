package dev.lightspeed.train;

import dev.lightspeed.models.ArchitectureSpec;
import dev.lightspeed.models.Presets;
import dev.lightspeed.models.Recipe;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.MemoryFormat;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.lightspeed.models.ArchitectureSpec.HEAD_WEIGHT;
import static dev.lightspeed.models.ArchitectureSpec.WHITEN_BIAS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each parameter group gets, at step k, the learning rate and weight decay that the recipe defines: peak lr ×
 * lr-scale, decaying linearly to zero (over the whole run; over {@code whitenBiasEpochs} for the whitening bias),
 * and for the SGD groups a decay of weightDecay × batchSize / (that group's scaled peak lr). The rate is read off
 * the update of one step from zero momentum, where Nesterov SGD moves w by lr (1 + μ)(g + λw) and Muon moves the
 * renormalized filter by lr × orthogonalize((1 + μ) g).
 */
class OptimizationWiringTest {

    private static final ComputeDevice FP32 = ComputeDevice.resolve("cpu", "fp32");
    private static final int STEPS_PER_EPOCH = 10;
    /** Relative to the update: far below a one-step shift of the schedule or a missing decay term. */
    private static final double TOLERANCE = 1e-3;

    private final Recipe recipe = Presets.named("airbench94").with("lr-scale", "0.5");
    private final int totalSteps = recipe.epochs() * STEPS_PER_EPOCH;
    private final int whitenBiasSteps = recipe.whitenBiasEpochs() * STEPS_PER_EPOCH;

    /** One step k of a fresh optimizer on a network whose every trainable tensor has a known gradient. */
    private record Observed(Network network, Optimization optimization, Map<String, Tensor> before,
            Map<String, Tensor> grads) {
    }

    // The guards act by their scope alone (libtorch's RAII), so the try body never names them.
    @SuppressWarnings("try")
    private Observed stepAt(int step) {
        torch.manual_seed(11);
        Network network = Network.initialize(recipe.architecture(), FP32, 5);
        Optimization optimization = new Optimization(network, recipe, STEPS_PER_EPOCH);
        List<String> trainable = new ArrayList<>(network.filterNames());
        trainable.addAll(network.normBiasNames());
        trainable.add(WHITEN_BIAS);
        trainable.add(HEAD_WEIGHT);
        Map<String, Tensor> before = new LinkedHashMap<>();
        Map<String, Tensor> grads = new LinkedHashMap<>();
        Tensor loss = null;
        for (String name : trainable) {
            Tensor p = network.tensor(name);
            if (!network.filterNames().contains(name)) {
                // Biases start at zero, where weight decay would leave no trace.
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
        return new Observed(network, optimization, before, grads);
    }

    private static double linearDecay(double peak, int step, int span) {
        return step >= span ? 0 : peak * (1 - (double) step / span);
    }

    private void assertSgdStep(Observed o, String name, double peak, int span, int step) {
        double lr = linearDecay(peak, step, span);
        double decay = recipe.weightDecay() * recipe.batchSize() / peak;
        Tensor w = o.before().get(name);
        Tensor expected = o.grads().get(name).add(w, Tensors.scalar(decay))
                .mul(Tensors.scalar(lr * (1 + recipe.sgdMomentum())));
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

    private static void assertClose(Tensor expected, Tensor actual, String what) {
        double scale = expected.abs().max().item_double();
        double error = expected.sub(actual).abs().max().item_double();
        assertTrue(scale > 0, what + ": no update expected?");
        assertTrue(error <= TOLERANCE * scale, what + ": update off by " + error + " of " + scale);
    }

    @Test
    void everyGroupStepsWithTheRecipesRateAtTheFirstMiddleAndLastStep() {
        double biasPeak = recipe.biasLr() * recipe.lrScale();
        double headPeak = recipe.headLr() * recipe.lrScale();
        for (int step : new int[] {0, totalSteps / 2, totalSteps - 1}) {
            Observed o = stepAt(step);
            for (String filter : o.network().filterNames()) {
                assertMuonStep(o, filter, step);
            }
            for (String bias : o.network().normBiasNames()) {
                assertSgdStep(o, bias, biasPeak, totalSteps, step);
            }
            assertSgdStep(o, HEAD_WEIGHT, headPeak, totalSteps, step);
        }
    }

    @Test
    void whiteningBiasDecaysOverItsOwnEpochsThenStaysFrozen() {
        double biasPeak = recipe.biasLr() * recipe.lrScale();
        for (int step : new int[] {0, whitenBiasSteps / 2, whitenBiasSteps - 1}) {
            Observed o = stepAt(step);
            assertTrue(o.optimization().trainsWhitenBias(step));
            assertSgdStep(o, WHITEN_BIAS, biasPeak, whitenBiasSteps, step);
        }
        for (int step : new int[] {whitenBiasSteps, totalSteps - 1}) {
            Observed o = stepAt(step);
            assertFalse(o.optimization().trainsWhitenBias(step));
            // Even with a gradient present, neither the rate nor the weight decay moves it.
            assertArrayEquals(Tensors.toHost(o.before().get(WHITEN_BIAS)).values(),
                    Tensors.toHost(o.network().tensor(WHITEN_BIAS)).values(), "step " + step);
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
        Tensor bias = network.tensor(ArchitectureSpec.WHITEN_BIAS);

        network.forward(images, true, optimization.trainsWhitenBias(whitenBiasSteps - 1)).sum().backward();
        assertTrue(bias.grad().defined() && bias.grad().abs().max().item_double() > 0);
        optimization.step(whitenBiasSteps - 1);

        network.forward(images, true, optimization.trainsWhitenBias(whitenBiasSteps)).sum().backward();
        assertEquals(0.0, bias.grad().abs().max().item_double(), "a frozen bias must get no gradient");
    }
}
