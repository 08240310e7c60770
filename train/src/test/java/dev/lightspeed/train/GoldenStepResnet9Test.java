package dev.lightspeed.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * One training step of a small Myrtle.ai ResNet-9 against an independent PyTorch implementation of its published
 * recipe (src/test/python/golden_step_resnet9.py wrote the fixture): loss, logits, gradients, running statistics,
 * and the weights and momentum buffers after step 0 (lr 0 in the warm-up: only the momentum moves) and step 30 of a
 * run of 10 steps per epoch (lr 0.24, inside the warm-up, from given non-zero momentum buffers). The network is the
 * resnet9 preset's layer list with the fixture's widths, and the recipe the preset's: a mean loss, Nesterov SGD on
 * every tensor (the filters too) with coupled weight decay, and the warm-up-then-decay schedule.
 *
 * <p>Both sides compute in fp32 on the CPU with different libtorch versions, layouts and kernels; tolerances, as in
 * {@link GoldenStepTest}, are relative to the largest entry of what is compared (for weights, of their change):
 * 1e-5 for the forward (loss, logits, running statistics; measured 1.3e-6) and 3e-5 for gradients and what is
 * built from them (measured 8.4e-6), with one rounding of each weight's value allowed besides. The
 * script refuses data on which fp32 and float64 disagree by more than 2e-5 or on which a ReLU or max pool routes a
 * gradient by rounding alone.
 */
class GoldenStepResnet9Test {

    private static final ComputeDevice CPU = ComputeDevice.resolve("cpu", "fp32");
    private static final double FORWARD_TOLERANCE = 1e-5;
    private static final double BACKWARD_TOLERANCE = 3e-5;
    /**
     * Weights after the step may also differ by one unit in the last place of their value: the batchnorm scales sit
     * near 1, where one fp32 rounding (6e-8 below 1, 1.2e-7 above) is up to 1.5e-5 and 3e-5 of the smallest of
     * their largest changes (3.9e-3). Measured: at most one such rounding (1.5e-5 of the change).
     */
    private static final int WEIGHT_ULPS = 1;

    private static Map<String, TensorData> fixture;
    private static JsonNode sidecar;
    private static Recipe recipe;
    private static ArchitectureSpec spec;

    @BeforeAll
    static void load() throws Exception {
        fixture = SafeTensors.read(GoldenStepTest.resource("golden-step-resnet9.safetensors")).tensors();
        sidecar = new ObjectMapper().readTree(GoldenStepTest.resource("golden-step-resnet9.json").toFile());
        recipe = Presets.named("resnet9").with("batch-size", sidecar.get("batch_size").asText());
        ArchitectureSpec preset = recipe.architecture();
        List<Integer> widths = new ArrayList<>();
        sidecar.get("architecture").get("widths").forEach(w -> widths.add(w.asInt()));
        spec = preset.withLayers(withWidths(preset.layers(), widths));
        assertEquals(widths, blockWidths(spec));
    }

    /** The four blocks' conv widths (prep, layer1 with its residual, layer2, layer3 with its residual). */
    private static List<Layer> withWidths(List<Layer> layers, List<Integer> widths) {
        List<Layer> edited = new ArrayList<>();
        int block = 0;
        for (Layer layer : layers) {
            if (layer instanceof Layer.Block b) {
                edited.add(new Layer.Block(b.name(), convWidths(b.layers(), widths.get(block++))));
            } else {
                edited.add(layer);
            }
        }
        assertEquals(widths.size(), block, "the preset has a block per width");
        return edited;
    }

    private static List<Layer> convWidths(List<Layer> layers, int width) {
        List<Layer> edited = new ArrayList<>();
        for (Layer layer : layers) {
            if (layer instanceof Layer.Conv c) {
                edited.add(c.withWidth(width));
            } else if (layer instanceof Layer.Residual r) {
                edited.add(new Layer.Residual(r.name(), convWidths(r.body(), width)));
            } else {
                edited.add(layer);
            }
        }
        return edited;
    }

    /** The width of each block's first conv, and every conv of a block has it. */
    private static List<Integer> blockWidths(ArchitectureSpec network) {
        List<Integer> widths = new ArrayList<>();
        for (Layer layer : network.layers()) {
            if (layer instanceof Layer.Block b) {
                List<Integer> convs = NetworkLayout.flattened(b.layers()).stream()
                        .filter(l -> l instanceof Layer.Conv).map(l -> ((Layer.Conv) l).width()).distinct().toList();
                assertEquals(1, convs.size(), "one width per block in " + b.name());
                widths.add(convs.get(0));
            }
        }
        return widths;
    }

    private static List<String> names(TensorSpec.Role role) {
        return spec.tensors().stream().filter(t -> t.role() == role).map(TensorSpec::name).toList();
    }

    @Test
    void presetHasThePublishedRecipe() {
        JsonNode published = sidecar.get("recipe");
        JsonNode arch = sidecar.get("architecture");
        double peak = published.get("peak_lr").asDouble();
        assertEquals(peak, recipe.filterLr(), "filter lr");
        assertEquals(peak, recipe.biasLr(), "bias lr");
        assertEquals(peak, recipe.headLr(), "head lr");
        assertEquals(1.0, recipe.lrScale(), "lr scale");
        assertEquals(published.get("momentum").asDouble(), recipe.sgdMomentum(), "momentum");
        assertEquals(Recipe.SGD, recipe.filterOptimizer(), "SGD on the filters");
        assertEquals(published.get("weight_decay").asDouble(), recipe.weightDecay(), "weight decay");
        assertEquals(Recipe.COUPLED, recipe.weightDecayForm(), "PyTorch's weight decay");
        assertEquals(published.get("loss_reduction").asText(), recipe.lossReduction(), "loss reduction");
        assertEquals(published.get("label_smoothing").asDouble(), recipe.labelSmoothing(), "label smoothing");
        assertEquals(published.get("epochs").asInt(), recipe.epochs(), "epochs");
        assertEquals(published.get("published_batch_size").asInt(), Presets.named("resnet9").batchSize(), "batch");
        // Knots in epochs and lr values become fractions of the run and multipliers of the peak.
        List<LrKnot> schedule = recipe.lrSchedule();
        JsonNode epochs = published.get("lr_knots_epochs");
        JsonNode values = published.get("lr_values");
        assertEquals(epochs.size(), schedule.size(), "lr knots");
        for (int i = 0; i < schedule.size(); i++) {
            assertEquals(epochs.get(i).asDouble() / recipe.epochs(), schedule.get(i).at(), 1e-15, "knot " + i);
            assertEquals(values.get(i).asDouble() / peak, schedule.get(i).lr(), 1e-15, "knot " + i);
        }
        List<Integer> publishedWidths = new ArrayList<>();
        arch.get("published_widths").forEach(w -> publishedWidths.add(w.asInt()));
        assertEquals(publishedWidths, blockWidths(recipe.architecture()), "widths");
        assertEquals(arch.get("logit_scale").asDouble(), GoldenStepTest.head(spec).scale(), "logit scale");
        for (Layer.BatchNorm norm : GoldenStepTest.batchNorms(recipe.architecture())) {
            assertEquals(arch.get("batchnorm_eps").asDouble(), norm.eps(), "batchnorm eps of " + norm.name());
            assertEquals(arch.get("batchnorm_momentum").asDouble(), norm.momentum(), "momentum of " + norm.name());
            assertEquals(Layer.BatchNorm.LEARNED, norm.scale(), "batchnorm scale of " + norm.name());
        }
        assertTrue(spec.whitening().isEmpty(), "no whitening stem");
    }

    @Test
    void theNetworksTensorsAreTheReferences() {
        Map<String, TensorData> initial = GoldenStepTest.prefixed(fixture, "initial/");
        Map<String, long[]> shapes = spec.tensorShapes();
        assertEquals(initial.keySet(), shapes.keySet(), "tensor names");
        shapes.forEach((name, shape) -> assertTrue(initial.get(name).hasShape(shape), name + " shape"));
        List<String> trained = new ArrayList<>(names(TensorSpec.Role.FILTER));
        trained.addAll(names(TensorSpec.Role.NORM));
        trained.addAll(names(TensorSpec.Role.HEAD));
        assertEquals(GoldenStepTest.prefixed(fixture, "grad/").keySet(), new HashSet<>(trained),
                "the tensors that train");
    }

    @Test
    void twoStepsMatchTheReference() {
        List<String> failures = new ArrayList<>();
        int stepsPerEpoch = sidecar.get("steps_per_epoch").asInt();
        List<String> statistics = names(TensorSpec.Role.STATISTIC);
        JsonNode lrs = sidecar.get("lr");
        for (JsonNode stepNode : sidecar.get("steps")) {
            int step = stepNode.asInt();
            String at = "step " + step + " (lr " + lrs.get(Integer.toString(step)).asDouble() + "): ";
            Map<String, TensorData> initial = GoldenStepTest.prefixed(fixture, "initial/");
            Network network = Network.fromValues(spec, CPU, initial);
            Optimization optimization = new Optimization(network, recipe, stepsPerEpoch);
            if (step > 0) {
                optimization.restore(GoldenStepTest.prefixed(fixture, "momentum_before/"), CPU);
            }
            GoldenStepTest.StepResult result = GoldenStepTest.trainStep(fixture, network, optimization, recipe, step);
            Tensor logits = result.logits();
            Tensor loss = result.loss();
            Map<String, TensorData> gradients = result.gradients();

            double expectedLoss = sidecar.get("loss").asDouble();
            double lossError = Math.abs(loss.item_double() - expectedLoss) / Math.abs(expectedLoss);
            if (lossError > FORWARD_TOLERANCE) {
                failures.add(at + "loss " + loss.item_double() + ", reference " + expectedLoss);
            }
            GoldenStepTest.compare(failures, at + "logits", fixture.get("logits"), Tensors.toHost(logits), null,
                    FORWARD_TOLERANCE);
            Map<String, TensorData> after = network.snapshot();
            for (String name : spec.tensorShapes().keySet()) {
                if (statistics.contains(name)) {
                    GoldenStepTest.compare(failures, at + "running statistic " + name,
                            fixture.get("running_after/" + name), after.get(name), null, FORWARD_TOLERANCE);
                    continue;
                }
                TensorData expectedGradient = fixture.get("grad/" + name);
                if (expectedGradient == null) {
                    failures.add(at + name + " is not in the reference");
                    continue;
                }
                GoldenStepTest.compare(failures, at + "gradient of " + name, expectedGradient, gradients.get(name),
                        null, BACKWARD_TOLERANCE);
                TensorData expectedAfter = fixture.get("step_" + step + "/weights/" + name);
                if (expectedAfter == null) {
                    // A step at lr 0 (the fixture stores none): the weights must stay exactly as they were.
                    if (!initial.get(name).equals(after.get(name))) {
                        failures.add(at + name + " changed at a learning rate of 0");
                    }
                    continue;
                }
                GoldenStepTest.compare(failures, at + name + " after the step", expectedAfter, after.get(name),
                        initial.get(name), BACKWARD_TOLERANCE, WEIGHT_ULPS);
            }
            Map<String, TensorData> momentum = optimization.state();
            Map<String, TensorData> expectedMomentum = GoldenStepTest.prefixed(fixture,
                    "step_" + step + "/momentum/");
            assertEquals(expectedMomentum.keySet(), momentum.keySet(), at + "momentum buffers");
            expectedMomentum.forEach((name, expected) -> GoldenStepTest.compare(failures, at + "momentum " + name,
                    expected, momentum.get(name), null, BACKWARD_TOLERANCE));
        }
        if (!failures.isEmpty()) {
            fail(failures.size() + " disagreements with the reference:\n" + String.join("\n", failures));
        }
    }
}
