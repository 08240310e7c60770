package dev.lightspeed.models;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.util.List;

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
        assertEquals(0.2, r.labelSmoothing());
        assertEquals(0.24, r.filterLr());
        assertEquals(0.6, r.muonMomentum());
        assertEquals(3, r.newtonSchulzSteps());
        assertEquals(0.053, r.biasLr());
        assertEquals(0.67, r.headLr());
        assertEquals(0.85, r.sgdMomentum());
        assertEquals(2e-6, r.weightDecay());
        assertEquals(3, r.whitenBiasEpochs());
        assertEquals(5000, r.whiteningSamples());
        assertEquals(5e-4, r.whiteningEps());
        assertEquals(2, r.translate());
        assertEquals(true, r.alternatingFlip());
        assertEquals(2, r.ttaLevel());
        assertEquals(0.0, r.emaDecay());
        assertEquals(0, r.emaStartStep());
        assertEquals(1, r.emaEvery());
        assertFalse(r.averagesWeights());

        ArchitectureSpec a = r.architecture();
        assertEquals("airbench94", a.name());
        assertEquals(3, a.inputChannels());
        assertEquals(32, a.imageSize());
        assertEquals(10, a.numClasses());
        assertEquals(2, a.whiteningKernel());
        assertEquals(List.of(64, 256, 256), a.blockWidths());
        assertEquals(3, a.finalPool());
        assertEquals(256.0, a.logitDivisor());
        assertEquals(1e-12, a.batchNormEps());
        assertEquals(0.4, a.batchNormMomentum());

        assertEquals(25, r.stepsPerEpoch(50_000));
        assertEquals(24, a.whiteningWidth());
        assertEquals(1, a.headInputSize());
        assertEquals(ArchitectureSpec.airbench94(), a);
    }

    @Test
    void everyPresetChecksEveryField() {
        // Each field the record has is asserted above; a field added later must be added to that test too.
        assertEquals(List.of("airbench94", "airbench-cifar100", "airbench-folder64"), List.copyOf(Presets.names()));
        assertEquals(22, RecipeJson.fieldNames(Recipe.class).size());
        assertEquals(10, RecipeJson.fieldNames(ArchitectureSpec.class).size());
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
        assertEquals(1, folder.architecture().headInputSize(), "its final pool covers the 64 px feature map");
        assertEquals(500, folder.batchSize());
        assertEquals(4, folder.translate());
        assertEquals(airbench.epochs(), folder.epochs());
    }

    @Test
    void overridesByKebabCaseNameReplaceOneValue() {
        Recipe base = Presets.named("airbench94");
        Recipe r = base.with("batch-size", "500").with("alternating-flip", "false").with("label-smoothing", "0.1")
                .with("lr-scale", "1e-1");
        assertEquals(500, r.batchSize());
        assertEquals(false, r.alternatingFlip());
        assertEquals(0.1, r.labelSmoothing());
        assertEquals(0.1, r.lrScale());
        assertEquals(new Recipe(base.preset(), base.architecture(), base.epochs(), 500, 0.1, 0.1, base.filterLr(),
                base.muonMomentum(), base.newtonSchulzSteps(), base.biasLr(), base.headLr(), base.sgdMomentum(),
                base.weightDecay(), base.whitenBiasEpochs(), base.whiteningSamples(), base.whiteningEps(),
                base.translate(), false, base.ttaLevel(), base.emaDecay(), base.emaStartStep(), base.emaEvery()), r);
        assertEquals(base, base.with("epochs", " 8 "));
    }

    @Test
    void overridableNamesAreTheHyperparametersInKebabCase() {
        List<String> names = Recipe.overridableNames();
        assertEquals(20, names.size());
        assertTrue(names.containsAll(List.of("epochs", "batch-size", "lr-scale", "newton-schulz-steps",
                "whiten-bias-epochs", "alternating-flip", "tta-level")), names.toString());
        assertTrue(!names.contains("preset") && !names.contains("architecture"), names.toString());
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
        assertMessage(assertThrows(InputError.class, () -> r.with("alternating-flip", "maybe")),
                "alternating-flip expects true or false");
        assertMessage(assertThrows(InputError.class, () -> r.with("momentum", "1")), "unknown hyperparameter 'momentum'");
        assertMessage(assertThrows(InputError.class, () -> r.with("preset", "x")), "unknown hyperparameter 'preset'");
        assertThrows(InputError.class, () -> Presets.named("nope"));
    }

    private static void assertMessage(InputError error, String fragment) {
        assertTrue(error.getMessage().contains(fragment), error.getMessage());
        assertTrue(!error.getMessage().contains("\n"), error.getMessage());
    }
}
