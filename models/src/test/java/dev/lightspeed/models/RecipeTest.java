package dev.lightspeed.models;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import dev.lightspeed.models.layers.Layer;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RecipeTest {

    /**
     * airbench94 with Muon as published (Keller Jordan's airbench94_muon.py), written out here rather than read from
     * the preset file, so that a value misplaced in the file fails. The batchnorm momentum is PyTorch's 1 − 0.6.
     */
    @Test
    void theAirbench94PresetHoldsEveryPublishedValue() {
        Recipe r = Presets.named("airbench94");
        assertEquals("airbench94", r.preset());
        assertEquals(8, r.epochs());
        assertEquals(2000, r.batchSize());
        assertEquals(1.0, r.lrScale());
        assertEquals(List.of(new LrKnot(0, 1), new LrKnot(1, 0)), r.lrSchedule());
        assertEquals(0.2, r.labelSmoothing());
        assertEquals("sum", r.lossReduction());
        assertEquals("muon", r.filterOptimizer());
        assertEquals(0.24, r.filterLr());
        assertEquals(0.6, r.muonMomentum());
        assertEquals(3, r.newtonSchulzSteps());
        assertEquals(0.053, r.biasLr());
        assertEquals(0.67, r.headLr());
        assertEquals(0.85, r.sgdMomentum());
        assertEquals(2e-6, r.weightDecay());
        assertEquals("per-sample", r.weightDecayForm());
        assertEquals(2, r.translate());
        assertEquals("reflect", r.translatePadding());
        assertEquals("alternating", r.flip());
        assertEquals(0, r.cutout());
        assertEquals(2, r.ttaLevel());
        assertEquals(1.0, r.ttaFraction(), "every image gets every view");
        assertEquals(0.0, r.emaDecay());
        assertEquals(0, r.emaStartStep());
        assertEquals(1, r.emaEvery());
        assertFalse(r.averagesWeights());

        ArchitectureSpec a = r.architecture();
        assertEquals("airbench94", a.name());
        assertEquals(3, a.inputChannels());
        assertEquals(32, a.imageSize());
        assertEquals(10, a.numClasses());
        Layer.Whitening stem = a.whitening().orElseThrow();
        assertEquals(new Layer.Whitening("whiten", 2, 5e-4, 5000, 3), stem);
        assertEquals(AirbenchLayout.spec("airbench94", 3, 32, 10, 2, List.of(64, 256, 256), 256, 1e-12, 0.4), a);
        assertEquals(25, r.stepsPerEpoch(50_000));
        assertEquals(ArchitectureSpec.airbench94(), a);
    }

    /**
     * Myrtle.ai's DAWNBench ResNet-9 (davidcpage/cifar10-fast, dawn.py) as published, written out here: the
     * original sums the loss over the batch and divides the rate by it and multiplies the decay by it, which is the
     * same step as a mean loss at these values.
     */
    @Test
    void theResnet9PresetHoldsThePublishedBaseline() {
        Recipe r = Presets.named("resnet9");
        assertEquals(24, r.epochs());
        assertEquals(512, r.batchSize());
        assertEquals(List.of(new LrKnot(0, 0), new LrKnot(5.0 / 24, 1), new LrKnot(1, 0)), r.lrSchedule());
        assertEquals("mean", r.lossReduction());
        assertEquals(0.0, r.labelSmoothing());
        assertEquals("sgd", r.filterOptimizer());
        assertEquals(0.4, r.filterLr());
        assertEquals(0.4, r.biasLr());
        assertEquals(0.4, r.headLr());
        assertEquals(0.9, r.sgdMomentum());
        assertEquals(5e-4, r.weightDecay());
        assertEquals("coupled", r.weightDecayForm());
        assertEquals(4, r.translate());
        assertEquals("reflect", r.translatePadding());
        assertEquals("random", r.flip());
        assertEquals(8, r.cutout());
        assertEquals(0, r.ttaLevel(), "dawn.py scores the test set as it is");
        assertEquals(1.0, r.ttaFraction());

        Map<String, long[]> shapes = r.architecture().tensorShapes();
        List<String> convs = shapes.keySet().stream().filter(n -> n.endsWith("conv.weight") || n.matches(
                ".*conv\\d\\.weight")).toList();
        assertEquals(List.of("prep.conv.weight", "layer1.conv.weight", "layer1.residual.conv1.weight",
                "layer1.residual.conv2.weight", "layer2.conv.weight", "layer3.conv.weight",
                "layer3.residual.conv1.weight", "layer3.residual.conv2.weight"), convs);
        assertArrayEquals(new long[] {64, 3, 3, 3}, shapes.get("prep.conv.weight"));
        assertArrayEquals(new long[] {128, 64, 3, 3}, shapes.get("layer1.conv.weight"));
        assertArrayEquals(new long[] {512, 512, 3, 3}, shapes.get("layer3.residual.conv2.weight"));
        assertArrayEquals(new long[] {10, 512}, shapes.get("head.weight"));
        assertArrayEquals(new long[] {256}, shapes.get("layer2.norm.weight"), "batchnorm scales are learned");
        assertFalse(shapes.containsKey("head.bias"));
        Layer.Linear head = (Layer.Linear) r.architecture().layers().get(r.architecture().layers().size() - 1);
        assertEquals(0.125, head.scale());
        long parameters = r.architecture().tensors().stream().filter(t -> t.role().trainable())
                .mapToLong(t -> TensorData.elementCount(t.shape())).sum();
        // 6.57 M: the count the published network is known by.
        assertEquals(6_573_120, parameters);
    }

    @Test
    void everyPresetChecksEveryField() {
        // Each field the record has is asserted above; a field added later must be added to that test too.
        assertEquals(List.of("airbench94", "airbench-cifar100", "airbench-folder64", "resnet9"),
                List.copyOf(Presets.names()));
        assertEquals(26, RecipeJson.fieldNames(Recipe.class).size());
        assertEquals(5, RecipeJson.fieldNames(ArchitectureSpec.class).size());
    }

    @Test
    void theDatasetPresetsAreAirbench94WithTheirOwnDataShapeAndBatch() {
        Recipe airbench = Presets.named("airbench94");
        Recipe cifar100 = Presets.named("airbench-cifar100");
        assertEquals(100, cifar100.architecture().numClasses());
        ObjectNode fitted = RecipeJson.tree(airbench.fittedTo(new ImageGeometry(3, 32), 100));
        fitted.put("preset", cifar100.preset());
        assertEquals(fitted, RecipeJson.tree(cifar100));

        Recipe folder = Presets.named("airbench-folder64");
        assertEquals(64, folder.architecture().imageSize());
        assertEquals(airbench.architecture().layers(), folder.architecture().layers(),
                "the global pool covers the 64 px feature map with the same layers");
        assertEquals(500, folder.batchSize());
        assertEquals(4, folder.translate());
        assertEquals(airbench.epochs(), folder.epochs());
    }

    @Test
    void overridesByKebabCaseNameReplaceOneValue() {
        Recipe base = Presets.named("airbench94");
        Recipe r = base.with("batch-size", "500").with("flip", "random").with("label-smoothing", "0.1")
                .with("lr-scale", "1e-1").with("lr-schedule", "[{\"at\": 0, \"lr\": 0}, {\"at\": 0.25, \"lr\": 1},"
                        + " {\"at\": 1, \"lr\": 0}]");
        assertEquals(500, r.batchSize());
        assertEquals("random", r.flip());
        assertEquals(0.1, r.labelSmoothing());
        assertEquals(0.1, r.lrScale());
        assertEquals(new LrKnot(0.25, 1), r.lrSchedule().get(1));
        assertEquals(new Recipe(base.preset(), base.architecture(), base.epochs(), 500, 0.1, r.lrSchedule(), 0.1,
                base.lossReduction(), base.filterOptimizer(), base.filterLr(), base.muonMomentum(),
                base.newtonSchulzSteps(), base.biasLr(), base.headLr(), base.sgdMomentum(), base.weightDecay(),
                base.weightDecayForm(), base.translate(), base.translatePadding(), "random", base.cutout(),
                base.ttaLevel(), base.ttaFraction(), base.emaDecay(), base.emaStartStep(), base.emaEvery()), r);
        assertEquals(base, base.with("epochs", " 8 "));
    }

    @Test
    void overridableNamesAreTheHyperparametersInKebabCase() {
        List<String> names = Recipe.overridableNames();
        assertEquals(24 + ArchitectureEdits.names().size(), names.size());
        assertTrue(names.containsAll(List.of("epochs", "batch-size", "lr-scale", "newton-schulz-steps",
                "whiten-bias-epochs", "flip", "cutout", "tta-level", "tta-fraction", "activation", "whitening",
                "residual", "filter-optimizer")), names.toString());
        assertTrue(!names.contains("preset") && !names.contains("architecture"), names.toString());
    }

    @Test
    void ttaFractionIsOneInEveryPresetAndTakesAShareInZeroExclusiveToOne() {
        for (String name : Presets.names()) {
            assertEquals(1.0, Presets.named(name).ttaFraction(), name);
        }
        Recipe base = Presets.named("airbench94");
        Recipe quarter = base.with("tta-fraction", "0.25");
        assertEquals(0.25, quarter.ttaFraction());
        assertEquals(base, quarter.with("tta-fraction", "1"), "only the fraction changed");
        assertEquals(1e-3, base.with("tta-fraction", "1e-3").ttaFraction());
        for (String bad : List.of("0", "-0.5", "1.01", "2", "NaN", "Infinity")) {
            assertMessage(assertThrows(InputError.class, () -> base.with("tta-fraction", bad)),
                    "tta-fraction must be in (0, 1]");
        }
        assertMessage(assertThrows(InputError.class, () -> base.with("tta-fraction", "half")),
                "tta-fraction expects a number, got 'half'");
        assertMessage(assertThrows(InputError.class, () -> base.with("tta-fraction", "")), "tta-fraction");
    }

    @Test
    void badOverridesSayWhatIsWrong() {
        Recipe r = Presets.named("airbench94");
        assertMessage(assertThrows(InputError.class, () -> r.with("epochs", "-1")), "epochs must be positive");
        assertMessage(assertThrows(InputError.class, () -> r.with("epochs", "eight")),
                "epochs expects an integer, got 'eight'");
        assertMessage(assertThrows(InputError.class, () -> r.with("epochs", "8.5")), "epochs expects an integer");
        assertMessage(assertThrows(InputError.class, () -> r.with("lr-scale", "NaN")), "lr-scale");
        assertMessage(assertThrows(InputError.class, () -> r.with("head-lr", "Infinity")), "finite");
        assertMessage(assertThrows(InputError.class, () -> r.with("flip", "maybe")),
                "flip must be one of alternating, random, none, got 'maybe'");
        assertMessage(assertThrows(InputError.class, () -> r.with("lr-schedule", "[{\"at\": 0.5, \"lr\": 1},"
                + " {\"at\": 1, \"lr\": 0}]")), "lr-schedule must start at 0 and end at 1");
        assertMessage(assertThrows(InputError.class, () -> r.with("filter-optimizer", "adam")),
                "filter-optimizer must be one of muon, sgd");
        assertMessage(assertThrows(InputError.class, () -> r.with("momentum", "1")), "unknown hyperparameter 'momentum'");
        assertMessage(assertThrows(InputError.class, () -> r.with("preset", "x")), "unknown hyperparameter 'preset'");
        assertThrows(InputError.class, () -> Presets.named("nope"));
    }

    private static void assertMessage(InputError error, String fragment) {
        assertTrue(error.getMessage().contains(fragment), error.getMessage());
        assertTrue(!error.getMessage().contains("\n"), error.getMessage());
    }
}
