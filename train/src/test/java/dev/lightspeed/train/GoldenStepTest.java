package dev.lightspeed.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lightspeed.models.AirbenchLayout;
import dev.lightspeed.models.ArchitectureSpec;
import dev.lightspeed.models.LrKnot;
import dev.lightspeed.models.Presets;
import dev.lightspeed.models.Recipe;
import dev.lightspeed.models.SafeTensors;
import dev.lightspeed.models.TensorData;
import dev.lightspeed.models.layers.Layer;
import dev.lightspeed.models.layers.NetworkLayout;
import dev.lightspeed.models.layers.TensorSpec;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.MemoryFormat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * One training step of a small network against an independent PyTorch implementation of the published recipe
 * (src/test/python/golden_step.py wrote the fixture): loss, logits, gradients, running statistics, and the
 * weights and momentum buffers after the step at step 0, at a step inside the whitening bias's epochs and at one
 * after them. The network and recipe are the airbench94 preset's with smaller widths and batch.
 *
 * <p>Both sides compute in fp32 on the CPU, but with different libtorch versions, memory layouts (channels-last
 * here) and kernels, so their sums round in different orders. Tolerances are relative to the largest entry of what
 * is compared (for weights, of their change in the step), so they count float32 roundings (ε = 1.2e-7):
 * <ul>
 * <li>forward (loss, logits, running statistics): 1e-5; measured agreement about 1e-6;</li>
 * <li>gradients, and the updates and momentum built from them: 3e-5; measured about 5e-6. Leaving out weight
 *     decay would move the head by 2e-4 and the batchnorm biases by up to 3e-3 of their change, and a bf16
 *     Newton–Schulz (as the recipe runs it on GPU) moves the filter updates by about 4e-2;</li>
 * <li>the whitening bias: 1e-4; measured 3.4e-5. Its gradient sums 16 × 31 × 31 terms whose absolute sum is
 *     about 250 times the result, so rounding alone puts it some 250 ε apart (the reference's own fp32 is 1.3e-5
 *     from float64).</li>
 * </ul>
 * The script refuses data on which fp32 and float64 disagree by more than 2e-5 (a near tie in a max pool would
 * route a gradient by rounding alone), so these figures hold for any correct fp32 implementation.
 */
class GoldenStepTest {

    private static final ComputeDevice CPU = ComputeDevice.resolve("cpu", "fp32");
    private static final double FORWARD_TOLERANCE = 1e-5;
    private static final double BACKWARD_TOLERANCE = 3e-5;
    private static final double WHITEN_BIAS_TOLERANCE = 1e-4;

    private static Map<String, TensorData> fixture;
    private static JsonNode sidecar;
    private static Recipe recipe;
    private static ArchitectureSpec spec;
    private static String whitenBias;

    @BeforeAll
    static void load() throws Exception {
        fixture = SafeTensors.read(resource("golden-step.safetensors")).tensors();
        sidecar = new ObjectMapper().readTree(resource("golden-step.json").toFile());
        recipe = Presets.named("airbench94").with("batch-size", sidecar.get("batch_size").asText());
        ArchitectureSpec preset = recipe.architecture();
        JsonNode arch = sidecar.get("architecture");
        List<Integer> widths = new ArrayList<>();
        arch.get("block_widths").forEach(w -> widths.add(w.asInt()));
        // The preset's network (its stem and batchnorms) with the reference's widths; the logits are divided by the
        // feature width, as the recipe divides by x.size(-1).
        Layer.BatchNorm norm = batchNorms(preset).get(0);
        spec = new ArchitectureSpec("golden", preset.inputChannels(), preset.imageSize(), preset.numClasses(),
                AirbenchLayout.layers(stem(preset), widths, widths.get(widths.size() - 1), norm.eps(),
                        norm.momentum()));
        whitenBias = names(TensorSpec.Role.WHITENING_BIAS).get(0);
        assertEquals(arch.get("image_size").asInt(), spec.imageSize());
        assertEquals(arch.get("whitening_kernel").asInt(), stem(spec).kernel());
        assertEquals(1 / arch.get("logit_divisor").asDouble(), head(spec).scale());
        // The global max pool covers the map the groups leave: 32 − 2 + 1 = 31 px, halved by each group's pool.
        assertEquals(arch.get("final_pool").asInt(), (spec.imageSize() - stem(spec).kernel() + 1) >> widths.size());
    }

    static Layer.Whitening stem(ArchitectureSpec spec) {
        return spec.whitening().orElseThrow();
    }

    static Layer.Linear head(ArchitectureSpec spec) {
        return (Layer.Linear) spec.layers().get(spec.layers().size() - 1);
    }

    static List<Layer.BatchNorm> batchNorms(ArchitectureSpec spec) {
        List<Layer.BatchNorm> norms = new ArrayList<>();
        NetworkLayout.flattened(spec.layers()).forEach(l -> {
            if (l instanceof Layer.BatchNorm b) {
                norms.add(b);
            }
        });
        assertTrue(!norms.isEmpty(), spec.name() + " has batchnorms");
        return norms;
    }

    private static List<String> names(TensorSpec.Role role) {
        return spec.tensors().stream().filter(t -> t.role() == role).map(TensorSpec::name).toList();
    }

    static Path resource(String name) throws URISyntaxException {
        var url = GoldenStepTest.class.getResource("/golden/" + name);
        assertNotNull(url, "test resource golden/" + name);
        return Path.of(url.toURI());
    }

    @Test
    void presetHasThePublishedHyperparameters() {
        JsonNode published = sidecar.get("recipe");
        JsonNode arch = sidecar.get("architecture");
        assertEquals(published.get("label_smoothing").asDouble(), recipe.labelSmoothing(), "label smoothing");
        assertEquals(published.get("filter_lr").asDouble(), recipe.filterLr(), "filter lr");
        assertEquals(published.get("muon_momentum").asDouble(), recipe.muonMomentum(), "Muon momentum");
        assertEquals(published.get("newton_schulz_steps").asInt(), recipe.newtonSchulzSteps(), "Newton–Schulz steps");
        assertEquals(published.get("bias_lr").asDouble(), recipe.biasLr(), "bias lr");
        assertEquals(published.get("head_lr").asDouble(), recipe.headLr(), "head lr");
        assertEquals(published.get("sgd_momentum").asDouble(), recipe.sgdMomentum(), "SGD momentum");
        assertEquals(published.get("weight_decay_per_sample").asDouble(), recipe.weightDecay(), "weight decay");
        assertEquals(published.get("epochs").asInt(), recipe.epochs(), "epochs");
        ArchitectureSpec preset = recipe.architecture();
        assertEquals(published.get("whiten_bias_epochs").asInt(), stem(preset).biasEpochs(), "whiten bias epochs");
        assertEquals(1.0, recipe.lrScale(), "lr scale");
        assertEquals(List.of(new LrKnot(0, 1), new LrKnot(1, 0)), recipe.lrSchedule(), "linear decay to zero");
        assertEquals(Recipe.SUM, recipe.lossReduction(), "loss summed over the batch");
        assertEquals(Recipe.MUON, recipe.filterOptimizer(), "Muon on the filters");
        assertEquals(Recipe.PER_SAMPLE, recipe.weightDecayForm(), "weight decay per sample");
        assertEquals(1 / 256.0, head(preset).scale(), "logits divided by 256");
        assertEquals(arch.get("whitening_kernel").asInt(), stem(preset).kernel(), "whitening kernel");
        for (Layer.BatchNorm norm : batchNorms(preset)) {
            assertEquals(arch.get("batchnorm_eps").asDouble(), norm.eps(), "batchnorm eps of " + norm.name());
            // The recipe keeps 0.6 of the old running statistic; libtorch's momentum is the weight of the new one.
            assertEquals(1 - arch.get("batchnorm_keep").asDouble(), norm.momentum(), 1e-12,
                    "batchnorm momentum of " + norm.name());
            assertEquals(Layer.BatchNorm.FROZEN, norm.scale(), "batchnorm scale of " + norm.name());
        }
        assertEquals("float32", sidecar.get("newton_schulz_dtype").asText(),
                "the trainer at fp32 precision orthogonalizes in fp32");
    }

    /** What one training step computed: its logits, its loss and the gradient of every tensor that got one. */
    record StepResult(Tensor logits, Tensor loss, Map<String, TensorData> gradients) {
    }

    /** One step on the fixture's batch: the same calls in the same order as Trainer's step. */
    static StepResult trainStep(Map<String, TensorData> fixture, Network network, Optimization optimization,
            Recipe recipe, int step) {
        Tensor images = Tensors.fromHost(fixture.get("images"), CPU).contiguous(MemoryFormat.ChannelsLast);
        Tensor labels = Tensors.fromHost(labels(fixture.get("labels")), CPU);
        Tensor logits = network.forward(images, true, optimization.trainsWhitenBias(step));
        Tensor loss = Trainer.trainingLoss(logits, labels, recipe);
        loss.backward();
        Map<String, TensorData> gradients = new LinkedHashMap<>();
        for (String name : network.spec().tensorShapes().keySet()) {
            Tensor t = network.tensor(name);
            if (t.requires_grad() && t.grad().defined()) {
                gradients.put(name, Tensors.toHost(t.grad()));
            }
        }
        optimization.step(step);
        return new StepResult(logits, loss, gradients);
    }

    @Test
    void oneStepMatchesTheReference() {
        List<String> failures = new ArrayList<>();
        int stepsPerEpoch = sidecar.get("steps_per_epoch").asInt();
        int whitenBiasSteps = sidecar.get("recipe").get("whiten_bias_epochs").asInt() * stepsPerEpoch;
        List<String> statistics = names(TensorSpec.Role.STATISTIC);
        for (JsonNode stepNode : sidecar.get("steps")) {
            int step = stepNode.asInt();
            String at = "step " + step + ": ";
            Network network = Network.fromValues(spec, CPU, prefixed("initial/"));
            Optimization optimization = new Optimization(network, recipe, stepsPerEpoch);
            if (step > 0) {
                optimization.restore(prefixed("momentum_before/"), CPU);
            }
            StepResult result = trainStep(fixture, network, optimization, recipe, step);
            Tensor logits = result.logits();
            Tensor loss = result.loss();
            Map<String, TensorData> gradients = result.gradients();

            double expectedLoss = sidecar.get("loss").asDouble();
            double lossError = Math.abs(loss.item_double() - expectedLoss) / Math.abs(expectedLoss);
            if (lossError > FORWARD_TOLERANCE) {
                failures.add(at + "loss " + loss.item_double() + ", reference " + expectedLoss);
            }
            compare(failures, at + "logits", fixture.get("logits"), Tensors.toHost(logits), null, FORWARD_TOLERANCE);
            Map<String, TensorData> after = network.snapshot();
            for (String name : spec.tensorShapes().keySet()) {
                TensorData initial = fixture.get("initial/" + name);
                if (statistics.contains(name)) {
                    compare(failures, at + "running statistic " + name, fixture.get("running_after/" + name),
                            after.get(name), null, FORWARD_TOLERANCE);
                    continue;
                }
                double tolerance = name.equals(whitenBias) ? WHITEN_BIAS_TOLERANCE
                        : BACKWARD_TOLERANCE;
                TensorData expectedGradient = fixture.get("grad/" + name);
                boolean gradientReaches = expectedGradient != null
                        && (!name.equals(whitenBias) || step < whitenBiasSteps);
                if (gradientReaches) {
                    compare(failures, at + "gradient of " + name, expectedGradient, gradients.get(name), null,
                            tolerance);
                } else if (gradients.containsKey(name)) {
                    failures.add(at + name + " got a gradient; the reference gives it none");
                }
                TensorData expectedAfter = fixture.get("step_" + step + "/weights/" + name);
                if (expectedAfter == null) {
                    // Frozen (the whitening filters): the step must leave it exactly as it was.
                    if (!initial.equals(after.get(name))) {
                        failures.add(at + name + " changed; it is frozen");
                    }
                    continue;
                }
                compare(failures, at + name + " after the step", expectedAfter, after.get(name), initial,
                        tolerance);
            }
            Map<String, TensorData> momentum = optimization.state();
            Map<String, TensorData> expectedMomentum = prefixed("step_" + step + "/momentum/");
            assertEquals(expectedMomentum.keySet(), momentum.keySet(), at + "momentum buffers");
            expectedMomentum.forEach((name, expected) -> compare(failures, at + "momentum " + name, expected,
                    momentum.get(name), null, name.endsWith(whitenBias) ? WHITEN_BIAS_TOLERANCE
                            : BACKWARD_TOLERANCE));
        }
        if (!failures.isEmpty()) {
            fail(failures.size() + " disagreements with the reference:\n" + String.join("\n", failures));
        }
    }

    private static Map<String, TensorData> prefixed(String prefix) {
        return prefixed(fixture, prefix);
    }

    /** The tensors of {@code tensors} named under {@code prefix}, by their names without it. */
    static Map<String, TensorData> prefixed(Map<String, TensorData> tensors, String prefix) {
        Map<String, TensorData> values = new LinkedHashMap<>();
        tensors.forEach((name, t) -> {
            if (name.startsWith(prefix)) {
                values.put(name.substring(prefix.length()), t);
            }
        });
        assertTrue(!values.isEmpty(), "fixture has tensors under " + prefix);
        return values;
    }

    static long[] labels(TensorData stored) {
        long[] labels = new long[stored.values().length];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = (long) stored.values()[i];
        }
        return labels;
    }

    /**
     * Records a failure when some entry of {@code actual} differs from {@code expected} by more than
     * {@code tolerance} times the largest entry of expected (minus {@code base}, when comparing changes).
     */
    static void compare(List<String> failures, String what, TensorData expected, TensorData actual,
            TensorData base, double tolerance) {
        compare(failures, what, expected, actual, base, tolerance, 0);
    }

    /**
     * As {@link #compare(List, String, TensorData, TensorData, TensorData, double)}, with each entry also allowed
     * {@code ulps} units in the last place of its expected value: the rounding of a stored weight, which for a weight
     * near 1 that changes little in a step is a large part of its change.
     */
    static void compare(List<String> failures, String what, TensorData expected, TensorData actual,
            TensorData base, double tolerance, int ulps) {
        if (actual == null || !actual.hasShape(expected.shape())) {
            failures.add(what + ": missing or of another shape");
            return;
        }
        float[] e = expected.values();
        float[] a = actual.values();
        double scale = 0;
        for (int i = 0; i < e.length; i++) {
            scale = Math.max(scale, Math.abs(e[i] - (base == null ? 0 : base.values()[i])));
        }
        double worst = 0;
        int worstAt = 0;
        boolean within = true;
        for (int i = 0; i < e.length; i++) {
            double error = Math.abs(a[i] - e[i]);
            if (error > worst) {
                worst = error;
                worstAt = i;
            }
            within &= error <= tolerance * scale + ulps * Math.ulp(e[i]);
        }
        // An entry the reference leaves unchanged (scale 0) must stay exactly as it was.
        double relative = scale == 0 ? (worst == 0 ? 0 : Double.POSITIVE_INFINITY) : worst / scale;
        if (!within) {
            failures.add(String.format("%s: entry %d is %.8g, reference %.8g (off by %.2e of the largest %s %.4g)",
                    what, worstAt, a[worstAt], e[worstAt], relative, base == null ? "entry" : "change", scale));
        }
    }
}
