package dev.lightspeed.train;

import dev.lightspeed.models.LrKnot;
import dev.lightspeed.models.TensorData;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OptimizerTest {

    private static final ComputeDevice CPU = ComputeDevice.resolve("cpu", "fp32");

    private static Tensor parameter(float[] values, long... shape) {
        Tensor t = Tensors.fromHost(new TensorData(shape, values), CPU);
        t.set_requires_grad(true);
        return t;
    }

    private static void setGrad(Tensor p, float... grad) {
        // A loss whose gradient is exactly `grad`: sum(p * grad).
        p.mul(Tensors.fromHost(new TensorData(p.shape(), grad), CPU)).sum().backward();
    }

    private static float[] values(Tensor t) {
        return Tensors.toHost(t).values();
    }

    @Test
    // The guards act by their scope alone (libtorch's RAII), so the try body never names them.
    @SuppressWarnings("try")
    void nesterovSgdMatchesTheHandComputedTwoSteps() {
        Tensor p = parameter(new float[] {1f, -2f}, 2);
        NesterovSgd sgd = new NesterovSgd(0.5);
        sgd.track("p", p);
        double lr = 0.1;
        double wd = 0.01;
        setGrad(p, 0.3f, 0.4f);
        try (NoGradGuard g = new NoGradGuard()) {
            sgd.step(Map.of("p", p), List.of("p"), lr, wd);
        }
        // d = g + wd*w = (0.31, 0.38); b = d; w -= lr*(d + 0.5 b) = lr*1.5*d
        float[] w1 = {(float) (1 - 0.1 * 1.5 * 0.31), (float) (-2 - 0.1 * 1.5 * 0.38)};
        assertArrayEquals(w1, values(p), 1e-6f);
        p.grad().zero_();
        setGrad(p, 0.3f, 0.4f);
        try (NoGradGuard g = new NoGradGuard()) {
            sgd.step(Map.of("p", p), List.of("p"), lr, wd);
        }
        double[] d2 = {0.3 + wd * w1[0], 0.4 + wd * w1[1]};
        double[] b2 = {0.5 * 0.31 + d2[0], 0.5 * 0.38 + d2[1]};
        float[] w2 = {(float) (w1[0] - lr * (d2[0] + 0.5 * b2[0])), (float) (w1[1] - lr * (d2[1] + 0.5 * b2[1]))};
        assertArrayEquals(w2, values(p), 1e-6f);
    }

    @Test
    void newtonSchulzPushesSingularValuesTowardsOne() {
        torch.manual_seed(7);
        Tensor g = torch.randn(64, 144).mul(Tensors.scalar(3.0));
        g.narrow(0, 0, 8).mul_(Tensors.scalar(20.0)); // a badly conditioned matrix
        Tensor before = torch.linalg_svdvals(g);
        double spreadBefore = before.min().item_double() / before.max().item_double();
        double previousMin = 0;
        for (int steps : new int[] {3, 5}) {
            Tensor singular = torch.linalg_svdvals(Muon.orthogonalize(g, steps, ScalarType.Float));
            double max = singular.max().item_double();
            double min = singular.min().item_double();
            assertTrue(max < 1.3, "largest singular value " + max);
            assertTrue(min / max > 5 * spreadBefore, "spread " + min / max + " vs " + spreadBefore + " before");
            assertTrue(min > previousMin, "more steps must lift the smallest singular value");
            previousMin = min;
        }
        assertTrue(previousMin > 0.5, "five steps leave a singular value at " + previousMin);
        // Transposed input gives the transposed result.
        Tensor a = Muon.orthogonalize(g, 3, ScalarType.Float);
        Tensor b = Muon.orthogonalize(g.t().contiguous(), 3, ScalarType.Float);
        assertEquals(0, a.sub(b.t()).abs().max().item_double(), 1e-5);
    }

    @Test
    // The guards act by their scope alone (libtorch's RAII), so the try body never names them.
    @SuppressWarnings("try")
    void muonRenormalizesTheFilterThenStepsAlongTheNormalizedDirection() {
        // With zero Newton–Schulz steps the update is the direction divided by its norm: checkable by hand.
        float[] w = {3f, 0f, 0f, 4f};
        Tensor p = parameter(w, 2, 2);
        Muon muon = new Muon(0.5, 0, ScalarType.Float);
        muon.track("p", p);
        setGrad(p, 1f, 2f, 2f, 4f);
        try (NoGradGuard g = new NoGradGuard()) {
            muon.step(Map.of("p", p), List.of("p"), 0.1);
        }
        // Norm of w is 5 → rescaled to √2; direction g(1+μ) normalized = g/5.
        double scale = Math.sqrt(2) / 5;
        float[] expected = new float[4];
        float[] g = {1f, 2f, 2f, 4f};
        for (int i = 0; i < 4; i++) {
            expected[i] = (float) (w[i] * scale - 0.1 * g[i] / 5);
        }
        assertArrayEquals(expected, values(p), 1e-6f);
    }

    @Test
    void learningRateDecaysLinearlyToZero() {
        assertEquals(0.24, LrSchedule.linearDecay(0.24, 0, 200), 1e-12);
        assertEquals(0.12, LrSchedule.linearDecay(0.24, 100, 200), 1e-12);
        assertEquals(0.24 / 200, LrSchedule.linearDecay(0.24, 199, 200), 1e-12);
        assertEquals(0, LrSchedule.linearDecay(0.24, 200, 200));
        assertEquals(0, LrSchedule.linearDecay(0.24, 5, 0));
    }

    @Test
    void theDefaultKnotsAreTheLinearDecayBitForBit() {
        List<LrKnot> linear = List.of(new LrKnot(0, 1), new LrKnot(1, 0));
        for (int total : new int[] {1, 7, 200, 3 * 97}) {
            for (int step = 0; step <= total + 2; step++) {
                for (double peak : new double[] {0.24, 0.053 * 0.5, 0.67}) {
                    assertEquals(Double.doubleToLongBits(LrSchedule.linearDecay(peak, step, total)),
                            Double.doubleToLongBits(LrSchedule.at(linear, peak, step, total)),
                            "peak " + peak + ", step " + step + " of " + total);
                }
            }
        }
    }

    @Test
    void aWarmUpScheduleIsPiecewiseLinearBetweenItsKnots() {
        // Up from 0 to the peak over the first fifth, down to 0.2 of it at 60 %, then to 0 at the end.
        List<LrKnot> knots = List.of(new LrKnot(0, 0), new LrKnot(0.2, 1), new LrKnot(0.6, 0.2), new LrKnot(1, 0));
        double peak = 0.4;
        int total = 100;
        double[][] expected = {{0, 0}, {5, 0.1}, {10, 0.2}, {20, 0.4}, {30, 0.32}, {50, 0.16}, {60, 0.08},
            {80, 0.04}, {99, 0.002}, {100, 0}, {130, 0}};
        for (double[] e : expected) {
            assertEquals(e[1], LrSchedule.at(knots, peak, (int) e[0], total), 1e-12, "step " + (int) e[0]);
        }
        assertEquals(0.0, LrSchedule.at(knots, peak, 0, total), "a warm-up's first step has lr 0 exactly");
        // A schedule that ends above zero keeps its last value past the end.
        List<LrKnot> flat = List.of(new LrKnot(0, 1), new LrKnot(1, 0.5));
        assertEquals(0.5 * peak, LrSchedule.at(flat, peak, 150, total));
        assertEquals(0.75 * peak, LrSchedule.at(flat, peak, 50, total), 1e-12);
    }
}
